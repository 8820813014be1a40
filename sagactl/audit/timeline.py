"""The timeline of one execution: the states it entered, in order, with their attempts and outcome.

A plain, frozen data model; `timeline_builder` fills it from history events, the renderers read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class ErrorInfo:
    error: str
    cause: str | None = None


@dataclass(frozen=True)
class Attempt:
    """One try of a Task: scheduled, then succeeded or failed. Attempts after the first are retries."""

    number: int
    started: datetime
    ended: datetime | None
    error: ErrorInfo | None

    @property
    def succeeded(self) -> bool:
        return self.ended is not None and self.error is None

    @property
    def duration_s(self) -> float | None:
        return None if self.ended is None else (self.ended - self.started).total_seconds()


class VisitResult(StrEnum):
    SUCCEEDED = "succeeded"
    CAUGHT = "caught"  # ended in an error a Catch handled: the execution went on elsewhere
    FAILED = "failed"  # ended in an error nothing caught, or is the Fail state the execution ended in
    RUNNING = "running"


@dataclass(frozen=True)
class StateVisit:
    index: int
    name: str
    state_type: str
    entered: datetime
    left: datetime | None
    attempts: tuple[Attempt, ...]
    result: VisitResult
    error: ErrorInfo | None  # what the state ended with, when it ended in an error
    next_state: str | None  # the state entered next; for a caught error, the Catch's target

    @property
    def retries(self) -> int:
        return max(len(self.attempts) - 1, 0)

    @property
    def failed_attempts(self) -> tuple[Attempt, ...]:
        return tuple(attempt for attempt in self.attempts if attempt.error is not None)

    @property
    def duration_s(self) -> float | None:
        return None if self.left is None else (self.left - self.entered).total_seconds()


@dataclass(frozen=True)
class ExecutionOutcome:
    status: str  # SUCCEEDED, FAILED, TIMED_OUT, ABORTED or RUNNING
    error: ErrorInfo | None
    output: str | None
    started: datetime | None
    stopped: datetime | None

    @property
    def duration_s(self) -> float | None:
        if self.started is None or self.stopped is None:
            return None
        return (self.stopped - self.started).total_seconds()


@dataclass(frozen=True)
class Timeline:
    visits: tuple[StateVisit, ...]
    outcome: ExecutionOutcome

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(visit.name for visit in self.visits)

    @property
    def first_catch(self) -> StateVisit | None:
        """The visit whose caught error started the rollback, if any."""
        return next((visit for visit in self.visits if visit.result is VisitResult.CAUGHT), None)

    @property
    def terminal(self) -> StateVisit | None:
        """The state the execution ended in (None while it runs or if it entered none)."""
        if self.outcome.status == "RUNNING" or not self.visits:
            return None
        return self.visits[-1]
