"""A heartbeat timeout is States.Timeout that a Catch or Retry on States.HeartbeatTimeout also handles
(extension sfn-heartbeat-timeout).

AWS: a task whose worker sends no SendTaskHeartbeat within HeartbeatSeconds fails with States.Timeout (that is the
error its TaskTimedOut / ActivityTimedOut event and a failed execution record), and States.HeartbeatTimeout, an
error name "only available inside the Catch and Retry fields", matches it too, so a workflow can tell a dead
worker from a slow one. moto times the heartbeat and raises HeartbeatTimeoutError, but StateTask._from_error
(and StateTaskActivity's) turn any TimeoutError into a plain States.Timeout, which a States.HeartbeatTimeout
catcher never matches. Here that failure keeps moto's event, its error name matching both names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
    StateTaskServiceCallback,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task import StateTask
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_activitiy import StateTaskActivity
from moto.stepfunctions.parser.asl.eval.callback.callback import HeartbeatTimeoutError

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, around

TIMEOUT = StatesErrorNameType.StatesTimeout.to_name()
HEARTBEAT_TIMEOUT = StatesErrorNameType.StatesHeartbeatTimeout.to_name()


class HeartbeatTimeoutName(StatesErrorName):
    """States.Timeout as recorded; a Retry's or Catch's ErrorEquals matches it by either name."""

    def __init__(self) -> None:
        super().__init__(typ=StatesErrorNameType.StatesTimeout)

    def matches(self, error_name: str | None) -> bool:
        return error_name in (TIMEOUT, HEARTBEAT_TIMEOUT)


def from_error(original: Callable[..., FailureEvent], task: Any, env: Any, ex: Exception) -> FailureEvent:
    """Replacement for ``StateTask._from_error`` and ``StateTaskActivity._from_error`` (self, env, ex)."""
    failure_event = original(task, env=env, ex=ex)
    name = failure_event.error_name
    # Only moto's own timeout event is renamed: anything else it made of the error stays as it is.
    if not isinstance(ex, HeartbeatTimeoutError) or not (
        isinstance(name, StatesErrorName) and name.typ is StatesErrorNameType.StatesTimeout
    ):
        return failure_event
    return FailureEvent(
        env=env,
        error_name=HeartbeatTimeoutName(),
        event_type=failure_event.event_type,
        event_details=failure_event.event_details,
    )


def install() -> None:
    around(StateTask, "_from_error", from_error)
    around(StateTaskActivity, "_from_error", from_error)


EXTENSION = MotoExtension(
    name="sfn-heartbeat-timeout",
    kind=Kind.FIDELITY,
    purpose="A heartbeat timeout (States.Timeout) is also matched by Catch/Retry on States.HeartbeatTimeout",
    module=__name__,
    seams=(
        Signature(StateTask, "_from_error", ("self", "env", "ex")),
        Signature(StateTaskActivity, "_from_error", ("self", "env", "ex")),
        SourceLine(StateTask, "_from_error", "if isinstance(ex, TimeoutError):"),
        SourceLine(StateTaskActivity, "_from_error", "if isinstance(ex, TimeoutError):"),
        SourceLine(StateTaskServiceCallback, "_eval_integration_pattern", "raise HeartbeatTimeoutError()"),
        SourceLine(StateTaskActivity, "_eval_execution", "raise HeartbeatTimeoutError()"),
        # Retry and Catch compare the failure's error name to each ErrorEquals entry through its matches().
        SourceLine(ErrorEqualsDecl, "_eval_body", "res = error_name in self.error_names"),
        SourceLine(ErrorName, "__eq__", "return self.matches(other.error_name)"),
        Holds("HeartbeatTimeoutError is a TimeoutError", lambda: issubclass(HeartbeatTimeoutError, TimeoutError)),
    ),
    install=install,
)
