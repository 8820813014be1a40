"""Express workflow executions the way AWS runs them, on moto's interpreter (extension sfn-start-sync).

What differs from moto's (Standard-only) handling:
- ARN ``arn:aws:states:<region>:<account>:express:<machine>:<name>:<uuid>``: names need not be unique, so
  Standard's same-name rule does not apply;
- no history is kept (AWS has no DescribeExecution/GetExecutionHistory/ListExecutions for Express): the
  execution is not added to the state machine's list, and its record is the CloudWatch log (if configured);
- ``StartSyncExecution`` runs the execution to completion in the request and answers with AWS's response
  shape, including billingDetails (Express bills in 100 ms increments at 64 MB minimum);
- on a version or alias ARN it runs that version's definition, as StartExecution does.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import uuid
from typing import Any

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.exceptions import InvalidExecutionInput
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature
from emulator.stepfunctions.execution_logging import logging_session_for
from emulator.stepfunctions.execution_names import check_execution_name
from emulator.stepfunctions.input_quota import check_input_size
from emulator.stepfunctions.versions import machine_to_run

EXPRESS_BILLING_INCREMENT_MS = 100
EXPRESS_BILLED_MEMORY_MB = 64


class StateMachineTypeNotSupported(AWSError):
    TYPE = "StateMachineTypeNotSupported"
    STATUS = 400


def start_express_execution(
    backend: Any, state_machine: Any, name: str | None, execution_input: str | None, trace_header: str | None
) -> Execution:
    """StartExecution on an EXPRESS machine: runs in the background, like moto's Standard executions."""
    execution = _new_execution(Execution, backend, state_machine, name, execution_input, trace_header)
    execution.start()
    return execution


def run_sync_execution(
    backend: Any, state_machine_arn: str, name: str | None, execution_input: str | None, trace_header: str | None
) -> dict[str, Any]:
    """StartSyncExecution: runs the execution to its end and returns the API response. A version or alias ARN runs
    that version (an alias's drawn by its weights), as StartExecution does (versions.machine_to_run)."""
    state_machine = machine_to_run(backend, state_machine_arn)
    if state_machine.type != StateMachineType.EXPRESS:
        raise StateMachineTypeNotSupported(
            f"This operation is not supported by standard state machines: '{state_machine_arn}'"
        )
    execution = _new_execution(SyncExecution, backend, state_machine, name, execution_input, trace_header)
    assert isinstance(execution, SyncExecution)
    execution.start()  # moto's SyncExecutionWorker evaluates in this thread
    response: dict[str, Any] = dict(execution.to_start_sync_execution_output())
    response["billingDetails"] = billing_details(execution.start_date, execution.stop_date)
    return {key: value for key, value in response.items() if value is not None}


def billing_details(start: datetime.datetime, stop: datetime.datetime | None) -> dict[str, int]:
    duration_ms = ((stop or start) - start).total_seconds() * 1000
    increments = max(math.ceil(duration_ms / EXPRESS_BILLING_INCREMENT_MS), 1)
    return {
        "billedMemoryUsedInMB": EXPRESS_BILLED_MEMORY_MB,
        "billedDurationInMilliseconds": increments * EXPRESS_BILLING_INCREMENT_MS,
    }


def _new_execution(
    execution_class: type[Execution],
    backend: Any,
    state_machine: Any,
    name: str | None,
    execution_input: str | None,
    trace_header: str | None,
) -> Execution:
    """The execution, not started, with its CloudWatch logging session when the machine logs."""
    input_data = "{}" if execution_input is None else execution_input
    try:
        json.loads(input_data)
    except ValueError as error:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{error}'") from None
    name = name or str(uuid.uuid4())
    execution_arn = (
        f"arn:{backend.partition}:states:{backend.region_name}:{backend.account_id}:"
        f"express:{state_machine.name}:{name}:{uuid.uuid4()}"
    )
    snapshot = _snapshot(state_machine)
    session = logging_session_for(execution_arn, snapshot)
    execution = execution_class(
        name=name,
        sm_type=StateMachineType.EXPRESS,
        role_arn=snapshot.roleArn,
        exec_arn=execution_arn,
        account_id=backend.account_id,
        region_name=backend.region_name,
        state_machine=snapshot,
        start_date=datetime.datetime.now(tz=datetime.UTC),
        cloud_watch_logging_session=session,
        input_data=input_data,
        trace_header=trace_header,
        activity_store={},
    )
    return execution


def _snapshot(state_machine: Any) -> Any:
    """The machine as the execution sees it (an update while it runs does not change it), as moto's start_execution
    takes it for Standard: without the executions (they hold live threads), sharing the backend (every other
    machine)."""
    snapshot = copy.deepcopy(
        state_machine, {id(state_machine.executions): [], id(state_machine.backend): state_machine.backend}
    )
    snapshot.sm_type = StateMachineType.EXPRESS  # moto leaves every machine's interpreter type at STANDARD
    return snapshot


def start_sync_execution_action(response: Any) -> ActionResult:
    """The StartSyncExecution action of moto's StepFunctionResponse (moto answers 404 without it)."""
    execution_input = response._get_param("input", if_none="{}")
    check_input_size(execution_input)
    name = response._get_param("name")
    check_execution_name(name)
    result = run_sync_execution(
        response.stepfunction_backend,
        response._get_param("stateMachineArn"),
        name,
        execution_input,
        response._get_param("traceHeader"),
    )
    return ActionResult(result)


def _install() -> None:
    # moto dispatches a JSON action to the response method of the same snake_case name.
    sfn_responses.StepFunctionResponse.start_sync_execution = start_sync_execution_action  # type: ignore[attr-defined]


EXTENSION = MotoExtension(
    name="sfn-start-sync",
    kind=Kind.FIDELITY,
    purpose="StartSyncExecution (moto: 404) runs an Express execution to its end and answers AWS's shape",
    module=__name__,
    seams=(
        Holds("StepFunctionResponse has no start_sync_execution of its own",
              lambda: getattr(sfn_responses.StepFunctionResponse, "start_sync_execution", None)
              in (None, start_sync_execution_action)),
        Signature(SyncExecution, "to_start_sync_execution_output", ("self",)),
        Signature(Execution, "start", ("self",)),
    ),
    install=_install,
)
