"""Build a `Timeline` from history events (API or log shape, see `events`).

Rules, all from Step Functions' event semantics:
- a state visit starts at `<Type>StateEntered` and ends at its `StateExited`, else when the next state
  is entered, else when the execution stops;
- each `*Scheduled` opens an attempt; `*Succeeded` / `*Failed` / `*TimedOut` close it; a second attempt
  after a failed one is a retry (there is no retry event);
- a visit whose last attempt (or the state itself) failed and that was followed by another state was
  caught, and that state is the Catch's target; if nothing followed, the error failed the execution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sagactl.audit import event_types
from sagactl.audit.events import HistoryEvent
from sagactl.audit.timeline import (
    Attempt,
    ErrorInfo,
    ExecutionOutcome,
    StateVisit,
    Timeline,
    VisitResult,
)


def build_timeline(events: Iterable[HistoryEvent]) -> Timeline:
    builder = _TimelineBuilder()
    # Ids are the order Step Functions recorded; log events may arrive interleaved across streams.
    for event in sorted(events, key=lambda e: e.id):
        builder.add(event)
    return builder.finish()


@dataclass
class _OpenAttempt:
    started: datetime
    ended: datetime | None = None
    error: ErrorInfo | None = None


@dataclass
class _OpenVisit:
    name: str
    state_type: str
    entered: datetime
    left: datetime | None = None
    attempts: list[_OpenAttempt] = field(default_factory=list)
    state_error: ErrorInfo | None = None
    next_state: str | None = None

    @property
    def error(self) -> ErrorInfo | None:
        if self.state_error is not None:
            return self.state_error
        last = self.attempts[-1] if self.attempts else None
        return last.error if last is not None and last.ended is not None else None


class _TimelineBuilder:
    def __init__(self) -> None:
        self._visits: list[_OpenVisit] = []
        self._started: datetime | None = None
        self._stopped: datetime | None = None
        self._status = event_types.RUNNING
        self._execution_error: ErrorInfo | None = None
        self._output: str | None = None

    def add(self, event: HistoryEvent) -> None:
        kind = event.type
        state_type = event_types.entered_state_type(kind)
        if state_type is not None:
            self._enter(str(event.details.get("name", "?")), state_type, event.timestamp)
        elif event_types.is_state_exit(kind):
            self._exit(event.details.get("name"), event.timestamp)
        elif kind in event_types.ATTEMPT_SCHEDULED:
            self._current_visit(event).attempts.append(_OpenAttempt(started=event.timestamp))
        elif kind in event_types.ATTEMPT_SUCCEEDED:
            self._close_attempt(event, error=None)
        elif kind in event_types.ATTEMPT_FAILED:
            self._close_attempt(event, error=_error_of(event))
        elif kind in event_types.STATE_FAILED or kind in event_types.STATE_ABORTED:
            self._current_visit(event).state_error = _error_of(event)
        elif kind == event_types.EXECUTION_STARTED:
            self._started = event.timestamp
        elif kind in event_types.EXECUTION_ENDED:
            self._stopped = event.timestamp
            self._status = event_types.EXECUTION_ENDED[kind]
            self._execution_error = _error_of(event) if kind != "ExecutionSucceeded" else None
            self._output = event.details.get("output")

    def finish(self) -> Timeline:
        outcome = ExecutionOutcome(
            status=self._status,
            error=self._execution_error,
            output=self._output,
            started=self._started or (self._visits[0].entered if self._visits else None),
            stopped=self._stopped,
        )
        visits = tuple(self._freeze(index, visit) for index, visit in enumerate(self._visits))
        return Timeline(visits=visits, outcome=outcome)

    def _enter(self, name: str, state_type: str, at: datetime) -> None:
        if self._visits:
            previous = self._visits[-1]
            previous.next_state = name
            previous.left = previous.left or at
        self._visits.append(_OpenVisit(name=name, state_type=state_type, entered=at))

    def _exit(self, name: Any, at: datetime) -> None:
        for visit in reversed(self._visits):
            if visit.name == name and visit.left is None:
                visit.left = at
                return

    def _current_visit(self, event: HistoryEvent) -> _OpenVisit:
        if not self._visits:
            # A log at level ERROR/FATAL records failures without the state entries around them.
            self._visits.append(_OpenVisit(name="(unknown state)", state_type="Task", entered=event.timestamp))
        return self._visits[-1]

    def _close_attempt(self, event: HistoryEvent, error: ErrorInfo | None) -> None:
        attempts = self._current_visit(event).attempts
        if not attempts or attempts[-1].ended is not None:
            # Failed before it was scheduled (e.g. LambdaFunctionScheduleFailed): still an attempt.
            attempts.append(_OpenAttempt(started=event.timestamp))
        attempts[-1].ended = event.timestamp
        attempts[-1].error = error

    def _freeze(self, index: int, visit: _OpenVisit) -> StateVisit:
        is_last = index == len(self._visits) - 1
        result, error = self._result_of(visit, is_last)
        left = visit.left
        if left is None and is_last:
            left = self._stopped
        return StateVisit(
            index=index,
            name=visit.name,
            state_type=visit.state_type,
            entered=visit.entered,
            left=left,
            attempts=tuple(
                Attempt(number, attempt.started, attempt.ended, attempt.error)
                for number, attempt in enumerate(visit.attempts, start=1)
            ),
            result=result,
            error=error,
            next_state=visit.next_state,
        )

    def _result_of(self, visit: _OpenVisit, is_last: bool) -> tuple[VisitResult, ErrorInfo | None]:
        ended = self._status != event_types.RUNNING
        if is_last and not ended:
            return VisitResult.RUNNING, None  # possibly between a failed attempt and its retry
        error = visit.error
        if visit.state_type == "Fail":
            return VisitResult.FAILED, error or self._execution_error
        if error is None:
            return VisitResult.SUCCEEDED, None
        if visit.next_state is not None:
            return VisitResult.CAUGHT, error
        return VisitResult.FAILED, error


def _error_of(event: HistoryEvent) -> ErrorInfo:
    details: Mapping[str, Any] = event.details
    error = details.get("error") or event_types.DEFAULT_ERRORS.get(event.type) or event.type
    cause = details.get("cause")
    return ErrorInfo(error=str(error), cause=None if cause is None else str(cause))
