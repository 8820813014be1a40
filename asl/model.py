"""The saga description: what a checkout does, once, in business terms."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BusinessError:
    """An expected failure of a step, named by the exception class its Lambda raises.

    `outcome` is both the Fail state the saga ends in and the error the execution reports.
    """

    error: str
    outcome: str


@dataclass(frozen=True)
class Compensation:
    """The semantic undo of a step: a state name and the function that runs it."""

    name: str
    function: str


@dataclass(frozen=True)
class SagaStep:
    """One local transaction of the saga.

    A step without a compensation that comes after all compensable steps is the pivot: once it succeeds
    the saga can only move forward, so it is retried harder instead of being undone.
    """

    name: str
    function: str
    compensation: Compensation | None = None
    business_errors: tuple[BusinessError, ...] = ()
    pivot: bool = False


@dataclass(frozen=True)
class ValidationStep:
    """The side-effect free first step; it shapes the state every later step reads."""

    name: str
    function: str
    invalid: BusinessError


@dataclass(frozen=True)
class Saga:
    comment: str
    validation: ValidationStep
    steps: tuple[SagaStep, ...]
    failure_outcome: str = "CheckoutFailed"
    escalation_outcome: str = "CompensationFailed"
    # The error a compensation raises when the saga has already passed its pivot (e.g. the order is confirmed):
    # there is nothing to undo, and a rollback must leave it alone (forward recovery). None: no such error.
    committed_error: str | None = None
    functions: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = [self.validation.name, *(s.name for s in self.steps)]
        names += [s.compensation.name for s in self.steps if s.compensation]
        if len(set(names)) != len(names):
            raise ValueError(f"saga state names must be unique, got {names}")
        pivots = [s for s in self.steps if s.pivot]
        if pivots and (pivots[0].compensation or self.steps[-1] is not pivots[0]):
            raise ValueError("the pivot step must be the last step and has no compensation")
        functions = [self.validation.function, *(s.function for s in self.steps)]
        functions += [s.compensation.function for s in self.steps if s.compensation]
        object.__setattr__(self, "functions", tuple(dict.fromkeys(functions)))
