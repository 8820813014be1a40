"""A Wait longer than Step Functions allows fails at once (extension sfn-wait-limit).

AWS documents the longest wait a Wait state may ask for: one year in a Standard workflow (a Standard execution
lasts at most a year). moto slept for whatever a Timestamp or a SecondsPath asked, and a timestamp a few
centuries ahead crashed its worker thread (OverflowError). Here a wait past the limit fails the state with
States.Runtime naming the wait; AWS documents the limit but not its error, so the error name is this emulator's.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

MAX_WAIT_SECONDS = 365 * 24 * 60 * 60  # one year: a Standard execution's maximum duration


def wait_too_long(seconds: int) -> str | None:
    if seconds > MAX_WAIT_SECONDS:
        return (f"The Wait state asks to wait {seconds} seconds, more than the maximum of {MAX_WAIT_SECONDS} "
                "seconds (one year) of a Standard workflow")
    return None


def _eval_wait_within_limit(self: Any, env: Environment) -> None:
    seconds = self._get_wait_seconds(env=env)
    problem = wait_too_long(seconds)
    if problem is not None:
        raise FailureEventException(failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=StatesErrorNameType.StatesRuntime),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(taskFailedEventDetails=TaskFailedEventDetails(  # type: ignore[typeddict-item]
                error=StatesErrorNameType.StatesRuntime.to_name(), cause=problem)),
        ))
    self._wait_interval(env=env, wait_seconds=seconds)


EXTENSION = MotoExtension(
    name="sfn-wait-limit",
    kind=Kind.FIDELITY,
    purpose="a Wait past one year (a Standard execution's maximum) fails instead of sleeping or crashing",
    module=__name__,
    seams=(
        Signature(WaitFunction, "_eval_body", ("self", "env")),
        SourceLine(WaitFunction, "_eval_body", "w_sec = self._get_wait_seconds(env=env)"),
        Signature(WaitFunction, "_wait_interval", ("self", "env", "wait_seconds")),
    ),
    install=lambda: patch(WaitFunction, "_eval_body", lambda _: _eval_wait_within_limit),
)
