"""StopExecution as AWS does it (extension sfn-stop-execution).

AWS: the execution is ABORTED at once, with its `stopDate`, and its history ends with an `ExecutionAborted` event
carrying the error and cause the caller gave; nothing is added to the history afterwards (a Lambda invocation in
flight still runs to its end, unobserved). moto instead drops the error and cause, reports RUNNING until the state
in flight returns, and a stop that lands while a state is being evaluated (or before the interpreter has started)
can end the execution FAILED (`pop from empty list`, `'dict' object has no attribute 'region'`) or make its history
unreadable.

Here, under one lock: the history so far is frozen with the ExecutionAborted event appended, the status set to
ABORTED with the stop date, and the interpreter told to stop; when it ends, whatever it concludes is ignored. A stop
arriving before the interpreter has its environment is handed to the environment as it is created. Stopping an
execution that already ended changes nothing and answers its stop date.
"""

from __future__ import annotations

import copy
import datetime
import threading
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import iso_8601_datetime_with_milliseconds
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser.api import ExecutionStatus, GetExecutionHistoryOutput
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, SourceLine, around, patch
from emulator.stepfunctions.status_events import emit_status_change

_lock = threading.Lock()
FROZEN_HISTORY = "_emulator_frozen_history"  # on an Execution stopped by StopExecution: its final history
PENDING_STOP = "_emulator_pending_stop"  # on an ExecutionWorker stopped before its environment existed


def stop(execution: Execution, error: str | None, cause: str | None) -> datetime.datetime:
    """Aborts a RUNNING execution as AWS does; returns its stop date."""
    with _lock:
        if execution.exec_status != ExecutionStatus.RUNNING:
            return execution.stop_date or datetime.datetime.now(tz=datetime.UTC)
        stop_date = datetime.datetime.now(tz=datetime.UTC)
        worker: ExecutionWorker | None = execution.exec_worker
        environment = worker.env if worker else None
        history: list[Any] = environment.event_manager.get_event_history() if environment else []
        if not history:
            history = [_started_event(execution)]
        history.append(_aborted_event(history[-1]["id"], stop_date, error, cause))
        setattr(execution, FROZEN_HISTORY, history)
        execution.exec_status = ExecutionStatus.ABORTED
        execution.stop_date = stop_date
        if environment is not None:
            environment.set_stop(stop_date=stop_date, cause=cause, error=error)
        elif worker is not None:
            setattr(worker, PENDING_STOP, (stop_date, cause, error))
    emit_status_change(execution)
    return stop_date


def _started_event(execution: Execution) -> dict[str, Any]:
    return {
        "timestamp": iso_8601_datetime_with_milliseconds(execution.start_date),
        "type": "ExecutionStarted",
        "id": 1,
        "previousEventId": 0,
        "executionStartedEventDetails": {
            "input": execution.execution_input,
            "inputDetails": {"truncated": False},
            "roleArn": execution.role_arn,
        },
    }


def _aborted_event(previous_id: int, stop_date: datetime.datetime, error: str | None, cause: str | None) -> dict:
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
    return {
        "timestamp": iso_8601_datetime_with_milliseconds(stop_date),
        "type": "ExecutionAborted",
        "id": previous_id + 1,
        "previousEventId": previous_id,
        "executionAbortedEventDetails": details,
    }


def stop_execution_action(response: Any) -> Any:
    """moto's StopExecution action, with the caller's error and cause."""
    execution = response.stepfunction_backend.describe_execution(response._get_param("executionArn"))
    if not isinstance(execution, Execution):  # moto's non-executing backend: its own behaviour
        return original_stop_execution_action(response)
    stop_date = stop(execution, response._get_param("error"), response._get_param("cause"))
    return ActionResult({"stopDate": stop_date})


original_stop_execution_action = sfn_responses.StepFunctionResponse.stop_execution


def _environment_with_pending_stop(original: Any, worker: ExecutionWorker) -> Any:
    environment = original(worker)
    with _lock:
        worker.env = environment  # seen by stop() from now on (moto assigns it only once this returns)
        pending = getattr(worker, PENDING_STOP, None)
        if pending is not None:
            stop_date, cause, error = pending
            environment.set_stop(stop_date=stop_date, cause=cause, error=error)
    return environment


def _reflect_unless_stopped(original: Any, communication: BaseExecutionWorkerCommunication) -> None:
    with _lock:
        if getattr(communication.execution, FROZEN_HISTORY, None) is None:
            original(communication)


def _history(original: Any, execution: Execution) -> GetExecutionHistoryOutput:
    frozen = getattr(execution, FROZEN_HISTORY, None)
    if frozen is not None:
        return GetExecutionHistoryOutput(events=copy.deepcopy(frozen))
    return original(execution)


def _install() -> None:
    patch(sfn_responses.StepFunctionResponse, "stop_execution", lambda _: stop_execution_action)
    around(ExecutionWorker, "_get_evaluation_environment", _environment_with_pending_stop)
    around(BaseExecutionWorkerCommunication, "_reflect_execution_status", _reflect_unless_stopped)
    around(Execution, "to_history_output", _history)


EXTENSION = MotoExtension(
    name="sfn-stop-execution",
    kind=Kind.FIDELITY,
    purpose="StopExecution aborts at once with stopDate and an ExecutionAborted event carrying error and cause; "
    "a stop racing the interpreter never ends FAILED or leaves an unreadable history",
    module=__name__,
    seams=(
        SourceLine(sfn_responses.StepFunctionResponse, "stop_execution",
                   "execution = self.stepfunction_backend.stop_execution(arn)"),
        SourceLine(ExecutionWorker, "_execution_logic", "self.env = self._get_evaluation_environment()"),
        Signature(ExecutionWorker, "_get_evaluation_environment", ("self",)),
        Signature(BaseExecutionWorkerCommunication, "_reflect_execution_status", ("self",)),
        SourceLine(BaseExecutionWorkerCommunication, "terminated", "self._reflect_execution_status()"),
        Signature(Execution, "to_history_output", ("self",)),
        SetsAttributes(Execution, "__init__", ("exec_worker", "exec_status", "stop_date", "execution_input",
                                               "role_arn", "start_date")),
        Signature(Environment, "set_stop", ("self", "stop_date", "cause", "error")),
    ),
    install=_install,
)

