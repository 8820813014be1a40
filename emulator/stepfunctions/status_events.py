"""Standard executions report their status changes to EventBridge, as on AWS (extension sfn-status-events).

Step Functions puts a `Step Functions Execution Status Change` event (source `aws.states`) on the account's default
event bus whenever a Standard execution starts (RUNNING) and when it ends (SUCCEEDED, FAILED, TIMED_OUT, ABORTED),
with the detail fields AWS sends: executionArn, stateMachineArn, name, status, startDate and stopDate (epoch
milliseconds), input and output (JSON text) with their details, and error/cause when it failed. moto emits none.
Express executions emit none on AWS either. Delivery is best-effort, as EventBridge's is: a rule target that fails
is logged and never fails the execution.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from moto.events.models import EventsBackend, events_backends
from moto.stepfunctions.parser.api import ExecutionStatus, StateMachineType
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from emulator.moto_seams import Holds, Kind, MotoExtension, SetsAttributes, Signature, SourceLine, around

LOG = logging.getLogger(__name__)
SOURCE, DETAIL_TYPE = "aws.states", "Step Functions Execution Status Change"


def status_change_detail(execution: Execution) -> dict[str, Any]:
    status = execution.exec_status.value if execution.exec_status else ExecutionStatus.RUNNING.value
    ended = status != ExecutionStatus.RUNNING.value
    detail: dict[str, Any] = {
        "executionArn": execution.exec_arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": status,
        "startDate": _epoch_millis(execution.start_date),
        "stopDate": _epoch_millis(execution.stop_date) if ended and execution.stop_date else None,
        "input": execution.execution_input,
        "inputDetails": {"included": True},
        "output": None,
        "outputDetails": None,
    }
    if status == ExecutionStatus.SUCCEEDED.value:
        detail["output"] = to_json_str(execution.output, separators=(",", ":"))  # as its history has it
        detail["outputDetails"] = {"included": True}
    if status == ExecutionStatus.FAILED.value:
        detail["error"], detail["cause"] = execution.error, execution.cause
    return detail


def emit_status_change(execution: Execution) -> None:
    """Puts the execution's current status on its account's default event bus (Standard executions only)."""
    if execution.sm_type != StateMachineType.STANDARD:
        return
    try:
        events_backends[execution.account_id][execution.region_name].put_events(
            [
                {
                    "Source": SOURCE,
                    "DetailType": DETAIL_TYPE,
                    "Detail": json.dumps(status_change_detail(execution)),
                    "Resources": [execution.exec_arn],
                }
            ]
        )
    except Exception:  # a failing rule target never fails the execution (EventBridge delivers asynchronously)
        LOG.exception("delivering the status change of %s failed", execution.exec_arn)


def _epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _start_worker(original: Any, worker: ExecutionWorker) -> None:
    # RUNNING is reported before the interpreter's thread starts: a short execution could otherwise end, and report
    # its end, before its start.
    execution = getattr(worker._execution_communication, "execution", None)
    if isinstance(execution, Execution):
        emit_status_change(execution)
    original(worker)


def _terminated(original: Any, communication: BaseExecutionWorkerCommunication) -> None:
    already_ended = communication.execution.exec_status not in (None, ExecutionStatus.RUNNING)
    original(communication)
    if not already_ended:  # a stopped execution reported its ABORTED when it was stopped (stop_execution.py)
        emit_status_change(communication.execution)


def _install() -> None:
    around(ExecutionWorker, "start", _start_worker)
    around(BaseExecutionWorkerCommunication, "terminated", _terminated)


EXTENSION = MotoExtension(
    name="sfn-status-events",
    kind=Kind.FIDELITY,
    purpose="Standard executions put 'Step Functions Execution Status Change' events on the default event bus",
    module=__name__,
    seams=(
        Signature(ExecutionWorker, "start", ("self",)),
        SourceLine(Execution, "start", "self.exec_worker.start()"),
        SetsAttributes(ExecutionWorker, "__init__", ("_execution_communication",)),
        SetsAttributes(BaseExecutionWorkerCommunication, "__init__", ("execution",)),
        Signature(BaseExecutionWorkerCommunication, "terminated", ("self",)),
        SetsAttributes(Execution, "__init__", ("exec_arn", "state_machine_arn", "start_date", "execution_input",
                                               "exec_status", "stop_date", "output", "error", "cause", "sm_type")),
        Signature(EventsBackend, "put_events", ("self", "events")),
        Holds("moto's events backends are keyed by account, then region", lambda: hasattr(events_backends, "get")),
    ),
    install=_install,
)
