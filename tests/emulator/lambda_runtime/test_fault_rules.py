"""Fault policies on their own: what fires, how often, and how a policy reads and writes as JSON."""

from __future__ import annotations

import pytest

from emulator.lambda_runtime.faults import (
    THROTTLED,
    FaultKind,
    FaultRule,
    FaultSpecError,
    NoFaults,
    RandomFaults,
)
from emulator.lambda_runtime.invocation import InvocationRequest


def request() -> InvocationRequest:
    return InvocationRequest.new("{}", "arn:aws:lambda:eu-west-1:123456789012:function:f")


def decisions(policy: RandomFaults, count: int) -> list[tuple[FaultKind, ...]]:
    return [policy.decide(request()).kinds for _ in range(count)]


def test_the_same_seed_gives_the_same_sequence_of_faults() -> None:
    rules = (FaultRule(FaultKind.THROTTLE, 0.3), FaultRule(FaultKind.CRASH_AFTER, 0.3))
    assert decisions(RandomFaults(7, rules), 200) == decisions(RandomFaults(7, rules), 200)
    assert decisions(RandomFaults(7, rules), 200) != decisions(RandomFaults(8, rules), 200)


def test_a_probability_is_a_rate() -> None:
    fired = decisions(RandomFaults(1, (FaultRule(FaultKind.FAIL_BEFORE, 0.2),)), 5000)
    assert 0.17 < sum(1 for kinds in fired if kinds) / 5000 < 0.23


def test_max_count_stops_a_rule() -> None:
    fired = decisions(RandomFaults(1, (FaultRule(FaultKind.CRASH_AFTER, 1.0, max_count=3),)), 10)
    assert fired == [(FaultKind.CRASH_AFTER,)] * 3 + [()] * 7


def test_one_failure_per_invocation_the_first_rule_wins_and_latency_adds() -> None:
    rules = (
        FaultRule(FaultKind.TIMEOUT, 1.0, at="call:2"),
        FaultRule(FaultKind.CRASH_AFTER, 1.0),
        FaultRule(FaultKind.LATENCY, 1.0, latency_ms=(40, 40)),
    )
    decision = RandomFaults(0, rules).decide(request())
    assert decision.kinds == (FaultKind.TIMEOUT, FaultKind.LATENCY)
    assert decision.worker_fault is not None
    assert (decision.worker_fault.action, decision.worker_fault.at, decision.worker_fault.latency_ms) == (
        "hang",
        "call:2",
        40,
    )


def test_an_init_latency_waits_outside_the_function_timeout() -> None:
    slow_cold_start = FaultRule(FaultKind.LATENCY, at="init", latency_ms=(900, 900))
    rules = (slow_cold_start, FaultRule(FaultKind.LATENCY, latency_ms=(5, 5)))
    decision = RandomFaults(0, rules).decide(request())
    assert decision.init_delay_ms == 900
    assert decision.worker_fault is not None and decision.worker_fault.latency_ms == 5


def test_a_throttle_never_reaches_a_worker() -> None:
    decision = RandomFaults(0, (FaultRule(FaultKind.THROTTLE), FaultRule(FaultKind.LATENCY))).decide(request())
    assert decision.api_error == THROTTLED and decision.worker_fault is None
    assert (THROTTLED.status_code, THROTTLED.code) == (429, "TooManyRequestsException")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (FaultRule(FaultKind.FAIL_BEFORE, error_type="TransientError"), ("raise", "start", "TransientError")),
        (FaultRule(FaultKind.CRASH_AFTER), ("crash", "end", "InjectedFault")),
        (FaultRule(FaultKind.CRASH_AFTER, at="call:3"), ("crash", "call:3", "InjectedFault")),
        (FaultRule(FaultKind.TIMEOUT, at="start"), ("hang", "start", "InjectedFault")),
    ],
)
def test_each_kind_tells_the_worker_what_to_do(rule: FaultRule, expected: tuple[str, str, str]) -> None:
    fault = RandomFaults(0, (rule,)).decide(request()).worker_fault
    assert fault is not None
    assert (fault.action, fault.at, fault.error_type) == expected


def test_no_faults_decides_nothing() -> None:
    decision = NoFaults().decide(request())
    assert (decision.kinds, decision.api_error, decision.worker_fault) == ((), None, None)


def test_a_policy_round_trips_through_json() -> None:
    policy = RandomFaults(
        42,
        (
            FaultRule(FaultKind.FAIL_BEFORE, 0.1, max_count=5, error_type="TransientError"),
            FaultRule(FaultKind.CRASH_AFTER, 0.2, at="call:2"),
            FaultRule(FaultKind.LATENCY, 0.3, latency_ms=(10, 20)),
        ),
    )
    again = RandomFaults.from_json(policy.to_json())
    assert (again.seed, again.rules) == (policy.seed, policy.rules)
    latency = {"kind": "latency", "probability": 0.3, "at": "start", "latency_ms": [10, 20]}
    assert policy.to_json()["rules"][2] == latency


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"seed": 1, "rules": [{"kind": "meteor"}]}, "kind must be one of"),
        ({"seed": 1, "rules": [{"kind": "throttle", "probability": 1.5}]}, "between 0 and 1"),
        ({"seed": 1, "rules": [{"kind": "crash_after", "at": "middle"}]}, "start, end, call:N or call:Operation"),
        ({"seed": 1, "rules": [{"kind": "throttle", "at": "end"}]}, "applies to crash_after, timeout and latency"),
        ({"seed": 1, "rules": [{"kind": "latency", "at": "end"}]}, "a latency's 'at' must be start or init"),
        ({"seed": 1, "rules": [{"kind": "latency", "latency_ms": [5, 1]}]}, "0 <= min <= max"),
        ({"seed": 1, "rules": [{"kind": "throttle", "colour": "red"}]}, "unknown fault rule fields"),
        ({"seed": "x", "rules": []}, "seed must be a whole number"),
        ({"rules": "throttle"}, "rules must be a list"),
        ([], "a fault policy is"),
    ],
)
def test_invalid_policies_are_refused_with_the_reason(policy: object, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        RandomFaults.from_json(policy)
