"""From measured behaviour to dollars: pure functions, no I/O (tests/sagactl/cost covers them).

How each service bills, as the model applies it:
- Step Functions Standard: per state transition. Every state entered is one, and so is every retry of a
  task (history: a task scheduled again within the same state entry).
- Step Functions Express: per request, plus duration x memory: duration rounded up to the next 100 ms,
  memory in 64 MB chunks (at least 64 MB).
- Lambda: per request, plus GB-seconds: duration rounded up to the millisecond at the configured memory,
  priced by architecture.
- DynamoDB on demand: per write and read request unit, as metered at the emulator.
- KMS: per request.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sagactl.cost.prices import Prices

MILLION = 1_000_000
EXPRESS_BILLING_INCREMENT_MS = 100
EXPRESS_MEMORY_CHUNK_MB = 64
_TASK_SCHEDULED = frozenset({"LambdaFunctionScheduled", "TaskScheduled", "ActivityScheduled"})


def state_transitions(events: Iterable[Mapping[str, Any]]) -> int:
    """Billed transitions of one Standard execution, from its history: states entered, plus retries."""
    transitions = 0
    scheduled_in_state = 0
    for event in events:
        kind = str(event["type"])
        if kind.endswith("StateEntered"):
            transitions += 1
            scheduled_in_state = 0
        elif kind in _TASK_SCHEDULED:
            scheduled_in_state += 1
            if scheduled_in_state > 1:  # a retry of the task in this state
                transitions += 1
    return transitions


def express_billing(duration_ms: float, memory_mb: float = EXPRESS_MEMORY_CHUNK_MB) -> tuple[int, int]:
    """(billed milliseconds, billed megabytes) of one Express execution."""
    increments = max(1, math.ceil(duration_ms / EXPRESS_BILLING_INCREMENT_MS))
    chunks = max(1, math.ceil(memory_mb / EXPRESS_MEMORY_CHUNK_MB))
    return increments * EXPRESS_BILLING_INCREMENT_MS, chunks * EXPRESS_MEMORY_CHUNK_MB


def gb_seconds(billed_ms: float, memory_mb: float) -> float:
    return billed_ms / 1000 * memory_mb / 1024


@dataclass(frozen=True)
class Behaviour:
    """What one execution (a checkout, a validation) uses, on average over the measured ones."""

    name: str
    measured: int  # executions the averages come from
    transitions: float = 0.0  # Standard
    express_requests: float = 0.0
    express_gb_seconds: float = 0.0
    lambda_invocations: float = 0.0
    lambda_gb_seconds: float = 0.0
    lambda_architecture: str = "arm64"
    dynamodb_write_units: float = 0.0
    dynamodb_read_units: float = 0.0
    kms_requests: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def average(name: str, samples: list[Behaviour]) -> Behaviour:
    """The mean of per-execution samples (each with measured=1)."""
    if not samples:
        raise ValueError(f"no measured executions for {name}")
    architectures = {sample.lambda_architecture for sample in samples}
    if len(architectures) > 1:
        raise ValueError(f"{name}: samples mix Lambda architectures {sorted(architectures)}")
    numeric = [f.name for f in fields(Behaviour) if f.name not in ("name", "measured", "lambda_architecture")]
    means = {key: sum(getattr(sample, key) for sample in samples) / len(samples) for key in numeric}
    return Behaviour(name=name, measured=len(samples), lambda_architecture=architectures.pop(), **means)


@dataclass(frozen=True)
class Bill:
    """Dollars for ``per`` executions of a behaviour, by line item."""

    behaviour: Behaviour
    per: int
    step_functions: float
    lambda_requests: float
    lambda_duration: float
    dynamodb: float
    kms: float

    @property
    def total(self) -> float:
        return self.step_functions + self.lambda_requests + self.lambda_duration + self.dynamodb + self.kms

    def to_json(self) -> dict[str, Any]:
        return {
            "behaviour": self.behaviour.to_json(),
            "per": self.per,
            "step_functions": self.step_functions,
            "lambda_requests": self.lambda_requests,
            "lambda_duration": self.lambda_duration,
            "dynamodb": self.dynamodb,
            "kms": self.kms,
            "total": self.total,
        }


def bill(behaviour: Behaviour, prices: Prices, per: int = MILLION) -> Bill:
    b = behaviour
    step_functions = (
        b.transitions * prices.standard_per_transition
        + b.express_requests * prices.express_per_request
        + b.express_gb_seconds * prices.express_per_gb_second
    )
    return Bill(
        behaviour=b,
        per=per,
        step_functions=step_functions * per,
        lambda_requests=b.lambda_invocations * prices.lambda_per_request * per,
        lambda_duration=b.lambda_gb_seconds * prices.lambda_gb_second(b.lambda_architecture) * per,
        dynamodb=(b.dynamodb_write_units * prices.dynamodb_per_write_unit
                  + b.dynamodb_read_units * prices.dynamodb_per_read_unit) * per,
        kms=b.kms_requests * prices.kms_per_request * per,
    )


def blended(name: str, mix: Mapping[str, float], behaviours: Mapping[str, Behaviour]) -> Behaviour:
    """The behaviour of a mix of paths, e.g. {"happy": 0.9, "declined": 0.1} (shares normalized to 1)."""
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("a mix needs a positive share")
    missing = sorted(set(mix) - set(behaviours))
    if missing:
        raise ValueError(f"no measured behaviour for {missing}")
    architectures = {behaviours[path].lambda_architecture for path in mix}
    if len(architectures) > 1:
        raise ValueError(f"{name}: the paths mix Lambda architectures {sorted(architectures)}")
    numeric = [f.name for f in fields(Behaviour) if f.name not in ("name", "measured", "lambda_architecture")]
    means = {
        key: sum(getattr(behaviours[path], key) * share for path, share in mix.items()) / total for key in numeric
    }
    return Behaviour(name=name, measured=sum(behaviours[p].measured for p in mix),
                     lambda_architecture=architectures.pop(), **means)
