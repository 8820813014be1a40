"""The fault plan of a chaos run: every Lambda of the saga gets every kind of fault, at seeded random.

`fault_rate` is the chance that an invocation suffers a failure; the shares below split it between kinds.
Latency is drawn apart (`latency_rate`) and adds to whatever else happens. Mid-flight kills ("crash_after" at
call:N, right after the handler's N-th AWS call: its first or second write, the powertools record INPROGRESS)
are the separate "killed mid-flight" scenario; a run adds them with `mid_flight` (functions that call AWS only).
"""

from __future__ import annotations

from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults

# (kind, error type or kill point) -> share of the failure rate.
FAILURE_SHARES: dict[tuple[FaultKind, str | None], float] = {
    (FaultKind.THROTTLE, None): 0.30,
    (FaultKind.FAIL_BEFORE, "InjectedFault"): 0.15,  # an unexpected error: the saga compensates
    (FaultKind.FAIL_BEFORE, "TransientError"): 0.15,  # a dependency blip the handler reports as retryable
    (FaultKind.CRASH_AFTER, "end"): 0.30,  # the classic double-charge trap
    (FaultKind.TIMEOUT, "start"): 0.05,
    (FaultKind.TIMEOUT, "end"): 0.05,
}
MID_FLIGHT_SHARES: dict[tuple[FaultKind, str | None], float] = {
    (FaultKind.CRASH_AFTER, "call:2"): 0.05,
    (FaultKind.CRASH_AFTER, "call:3"): 0.05,
}
LATENCY_MS = (50, 800)


def chaos_policy(seed: int, fault_rate: float, latency_rate: float, mid_flight: bool) -> RandomFaults:
    shares = FAILURE_SHARES | (MID_FLIGHT_SHARES if mid_flight else {})
    rules = [_rule(kind, detail, fault_rate * share) for (kind, detail), share in shares.items()]
    rules.append(FaultRule(FaultKind.LATENCY, probability=latency_rate, latency_ms=LATENCY_MS))
    return RandomFaults(seed, tuple(rules))


def _rule(kind: FaultKind, detail: str | None, probability: float) -> FaultRule:
    if kind is FaultKind.FAIL_BEFORE:
        return FaultRule(kind, probability=probability, error_type=detail or "InjectedFault")
    if kind in (FaultKind.CRASH_AFTER, FaultKind.TIMEOUT):
        return FaultRule(kind, probability=probability, at=detail)
    return FaultRule(kind, probability=probability)
