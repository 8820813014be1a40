"""Fault injection: each function's pool asks its FaultPolicy what to break before every invocation.

A ``RandomFaults`` policy holds a seed and a list of ``FaultRule``s. For every invocation it draws one number
per rule from its own seeded generator (so the n-th invocation of a function gets the same decision in every
run with the same seed; under concurrency, which request is the n-th may vary) and fires:
- at most one *failure* rule, the first whose draw is below its probability and whose ``max_count`` is not
  used up (fail_before, crash_after, throttle, timeout), and
- every latency rule that draws below its probability (latency adds to whatever else happens).

What each kind does, modelled on what breaks on AWS:
  fail_before  the function fails before its handler does anything: an unhandled error of ``error_type``.
  crash_after  the sandbox dies (SIGKILL) after the handler's work, before the response is delivered:
               ``Runtime.ExitError``. ``at="end"`` (default) after the handler returned (its writes are done,
               a powertools record is COMPLETED); ``at="call:N"`` right after the handler's N-th AWS API
               call, i.e. killed mid-flight (a powertools record stays INPROGRESS until its expiry);
               ``at="call:PutItem:3"`` right after its third PutItem (``call:PutItem`` = the first).
  throttle     the Invoke API answers 429 TooManyRequestsException; the handler never runs.
  timeout      the invocation hangs at ``at`` ("start", "end" (default) or a call) until the function's
               timeout, when the runtime kills the worker: ``Sandbox.Timedout``.
  latency      the worker sleeps a uniformly drawn ``latency_ms`` before the handler (it counts against the
               function timeout, as a slow dependency would); with ``at="init"`` the emulator waits before
               handing the invocation to a worker instead, outside the function timeout, as a slow cold start
               does on Lambda (its init phase has 10 s of its own); replacing or lifting the function's policy
               ends that wait (a test holds an invocation back, then lets it go).
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from emulator.lambda_runtime.invocation import ApiError, InvocationRequest, WorkerFault

DEFAULT_ERROR_TYPE = "InjectedFault"
DEFAULT_LATENCY_MS = (100, 1000)
# "call:N": after the handler's N-th AWS call; "call:Op" / "call:Op:N": after its (N-th) call of operation Op.
_HANDLER_POINT = re.compile(r"^(start|end|call:[1-9][0-9]*|call:[A-Za-z]+(:[1-9][0-9]*)?)$")
_LATENCY_POINT = re.compile(r"^(start|init)$")

# What Lambda answers when a function's concurrency is exhausted; Step Functions reports it as
# Lambda.TooManyRequestsException, which the saga's Retry matches.
THROTTLED = ApiError(429, "TooManyRequestsException", "Rate Exceeded.")


class FaultKind(StrEnum):
    FAIL_BEFORE = "fail_before"
    CRASH_AFTER = "crash_after"
    THROTTLE = "throttle"
    TIMEOUT = "timeout"
    LATENCY = "latency"


_DEFAULT_POINT = {FaultKind.CRASH_AFTER: "end", FaultKind.TIMEOUT: "end", FaultKind.LATENCY: "start"}


class FaultSpecError(ValueError):
    """A fault rule or policy that cannot be applied (unknown kind, probability out of range, ...)."""


@dataclass(frozen=True)
class FaultRule:
    kind: FaultKind
    probability: float = 1.0
    max_count: int | None = None  # stop firing after this many injections (None: no limit)
    error_type: str = DEFAULT_ERROR_TYPE  # fail_before only
    at: str | None = None  # crash_after / timeout: "start", "end" or "call:N"; latency: "start" or "init"
    latency_ms: tuple[int, int] = DEFAULT_LATENCY_MS  # latency only: uniform range, inclusive

    def __post_init__(self) -> None:
        if self.at is None and self.kind in _DEFAULT_POINT:  # one spelling per rule: equal rules compare equal
            object.__setattr__(self, "at", _DEFAULT_POINT[self.kind])
        if not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError(f"probability must be between 0 and 1, got {self.probability}")
        if self.max_count is not None and self.max_count < 0:
            raise FaultSpecError(f"max_count must not be negative, got {self.max_count}")
        if self.at is not None:
            if self.kind not in _DEFAULT_POINT:
                raise FaultSpecError(f"'at' applies to crash_after, timeout and latency, not {self.kind}")
            if self.kind is FaultKind.LATENCY and not _LATENCY_POINT.match(self.at):
                raise FaultSpecError(f"a latency's 'at' must be start or init, got {self.at!r}")
            if self.kind is not FaultKind.LATENCY and not _HANDLER_POINT.match(self.at):
                raise FaultSpecError(f"'at' must be start, end, call:N or call:Operation[:N], got {self.at!r}")
        low, high = self.latency_ms
        if not 0 <= low <= high:
            raise FaultSpecError(f"latency_ms must be a range 0 <= min <= max, got {self.latency_ms}")
        if not self.error_type:
            raise FaultSpecError("error_type must not be empty")

    @property
    def point(self) -> str:
        return self.at or _DEFAULT_POINT.get(self.kind, "start")

    @property
    def before_sandbox(self) -> bool:
        return self.kind is FaultKind.LATENCY and self.point == "init"

    def to_json(self) -> dict[str, Any]:
        """The rule with only the fields that apply to its kind."""
        data: dict[str, Any] = {"kind": self.kind.value, "probability": self.probability}
        if self.max_count is not None:
            data["max_count"] = self.max_count
        if self.kind is FaultKind.FAIL_BEFORE:
            data["error_type"] = self.error_type
        if self.kind in _DEFAULT_POINT:
            data["at"] = self.point
        if self.kind is FaultKind.LATENCY:
            data["latency_ms"] = list(self.latency_ms)
        return data

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultSpecError(f"a fault rule is a JSON object, got {type(data).__name__}")
        unknown = set(data) - {"kind", "probability", "max_count", "error_type", "at", "latency_ms"}
        if unknown:
            raise FaultSpecError(f"unknown fault rule fields: {sorted(unknown)}")
        try:
            kind = FaultKind(str(data.get("kind")))
        except ValueError:
            kinds = [k.value for k in FaultKind]
            raise FaultSpecError(f"kind must be one of {kinds}, got {data.get('kind')!r}") from None
        latency = data.get("latency_ms", DEFAULT_LATENCY_MS)
        if not (isinstance(latency, list | tuple) and len(latency) == 2 and all(isinstance(v, int) for v in latency)):
            raise FaultSpecError(f"latency_ms must be [min, max] in milliseconds, got {latency!r}")
        probability = data.get("probability", 1.0)
        max_count = data.get("max_count")
        if not isinstance(probability, int | float) or isinstance(probability, bool):
            raise FaultSpecError(f"probability must be a number, got {probability!r}")
        if max_count is not None and (not isinstance(max_count, int) or isinstance(max_count, bool)):
            raise FaultSpecError(f"max_count must be a whole number, got {max_count!r}")
        return cls(
            kind=kind,
            probability=float(probability),
            max_count=max_count,
            error_type=str(data.get("error_type") or DEFAULT_ERROR_TYPE),
            at=data.get("at"),
            latency_ms=(latency[0], latency[1]),
        )


@dataclass(frozen=True)
class FaultDecision:
    """What to break in one invocation: the kinds that fired, and how the pool and the worker enact them."""

    kinds: tuple[FaultKind, ...] = ()
    api_error: ApiError | None = None  # answer the Invoke API with this error; the handler does not run
    worker_fault: WorkerFault | None = None  # what the worker does around the handler
    init_delay_ms: int = 0  # wait before a worker gets the invocation, outside the function timeout


NO_FAULT = FaultDecision()


class FaultPolicy(Protocol):
    def decide(self, request: InvocationRequest) -> FaultDecision: ...

    def to_json(self) -> dict[str, Any]: ...


class NoFaults:
    def decide(self, request: InvocationRequest) -> FaultDecision:
        return NO_FAULT

    def to_json(self) -> dict[str, Any]:
        return {"seed": None, "rules": []}


@dataclass
class RandomFaults:
    seed: int
    rules: tuple[FaultRule, ...]
    _random: random.Random = field(init=False, repr=False)
    _fired: Counter[int] = field(init=False, repr=False, default_factory=Counter)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def decide(self, request: InvocationRequest) -> FaultDecision:
        with self._lock:
            # One draw per rule per invocation, fired or not: the sequence stays the same whatever fires.
            draws = [self._random.random() for _ in self.rules]
            latency_draws = [self._random.random() for _ in self.rules]
            failure: FaultRule | None = None
            latency_ms = init_delay_ms = 0
            fired: list[FaultKind] = []
            for index, (rule, draw) in enumerate(zip(self.rules, draws, strict=True)):
                if draw >= rule.probability or self._used_up(index, rule):
                    continue
                if rule.kind is FaultKind.LATENCY:
                    low, high = rule.latency_ms
                    delay = low + round(latency_draws[index] * (high - low))
                    if rule.before_sandbox:
                        init_delay_ms += delay
                    else:
                        latency_ms += delay
                elif failure is None:
                    failure = rule
                else:
                    continue
                self._fired[index] += 1
                fired.append(rule.kind)
        return _decision(tuple(fired), failure, latency_ms, init_delay_ms)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "rules": [rule.to_json() for rule in self.rules]}

    @classmethod
    def from_json(cls, data: Any) -> RandomFaults:
        if not isinstance(data, dict) or set(data) - {"seed", "rules"}:
            raise FaultSpecError('a fault policy is {"seed": <int>, "rules": [<rule>, ...]}')
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise FaultSpecError(f"seed must be a whole number, got {seed!r}")
        rules = data.get("rules")
        if not isinstance(rules, list):
            raise FaultSpecError("rules must be a list of fault rules")
        return cls(seed, tuple(FaultRule.from_json(rule) for rule in rules))

    def _used_up(self, index: int, rule: FaultRule) -> bool:
        return rule.max_count is not None and self._fired[index] >= rule.max_count


def _decision(
    kinds: tuple[FaultKind, ...], failure: FaultRule | None, latency_ms: int, init_delay_ms: int
) -> FaultDecision:
    if failure is not None and failure.kind is FaultKind.THROTTLE:
        # A throttled request never reaches a sandbox, so any latency rule that fired is moot.
        return FaultDecision(kinds, api_error=THROTTLED)
    if failure is None and latency_ms == 0:
        return FaultDecision(kinds, init_delay_ms=init_delay_ms)
    action, at, error_type = None, "start", DEFAULT_ERROR_TYPE
    if failure is not None:
        action = {FaultKind.FAIL_BEFORE: "raise", FaultKind.CRASH_AFTER: "crash", FaultKind.TIMEOUT: "hang"}[
            failure.kind
        ]
        at, error_type = failure.point, failure.error_type
    worker_fault = WorkerFault(action, at, latency_ms, error_type)
    return FaultDecision(kinds, worker_fault=worker_fault, init_delay_ms=init_delay_ms)


class FaultCounters:
    """How many faults of each kind were injected into each function since the emulator started."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def record(self, function_name: str, kinds: tuple[FaultKind, ...]) -> None:
        if not kinds:
            return
        with self._lock:
            for kind in kinds:
                self._counts[(function_name, kind.value)] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            counts = dict(self._counts)
        result: dict[str, dict[str, int]] = {}
        for (function_name, kind), count in sorted(counts.items()):
            result.setdefault(function_name, {})[kind] = count
        return result
