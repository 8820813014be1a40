"""StartExecution and StartSyncExecution as AWS answers them, around moto's Step Functions interpreter.

moto's ``start_execution`` (parser backend) already applies AWS's same-name rule for Standard machines:
same name and input while the first is RUNNING returns the first execution; a different input, or a
closed first execution, is ``ExecutionAlreadyExists``. What differs, and is handled here:
- without a ``name`` moto names the execution "None" (so a second unnamed start collides with the first);
  AWS generates a UUID;
- EXPRESS machines run as Express executions (see sfn_express);
- executions of a machine with a loggingConfiguration write their events to CloudWatch Logs;
- input over 256 KiB is refused with AWS's ValidationException (sfn_input_quota); moto would run it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import Execution

from emulator.sfn_execution_logging import logging_session_for
from emulator.sfn_express import run_sync_execution, start_express_execution
from emulator.sfn_input_quota import check_input_size


def start_execution(
    original: Callable[..., Execution],
    backend: Any,
    state_machine_arn: str,
    name: str | None = None,
    execution_input: str | None = None,
    trace_header: str | None = None,
) -> Execution:
    check_input_size(execution_input)
    state_machine = backend.describe_state_machine(state_machine_arn)
    if state_machine.type == StateMachineType.EXPRESS:
        return start_express_execution(backend, state_machine, name, execution_input, trace_header)
    return original(backend, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)


class LoggedExecution(Execution):
    """moto's Execution, given a CloudWatch logging session when its state machine configures logging
    (moto's start_execution always passes None)."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("cloud_watch_logging_session") is None:
            kwargs["cloud_watch_logging_session"] = logging_session_for(kwargs["exec_arn"], kwargs["state_machine"])
        super().__init__(**kwargs)


def start_sync_execution_action(response: Any) -> ActionResult:
    """The StartSyncExecution action of moto's StepFunctionResponse (moto answers 404 without it)."""
    execution_input = response._get_param("input", if_none="{}")
    check_input_size(execution_input)
    result = run_sync_execution(
        response.stepfunction_backend,
        response._get_param("stateMachineArn"),
        response._get_param("name"),
        execution_input,
        response._get_param("traceHeader"),
    )
    return ActionResult(result)
