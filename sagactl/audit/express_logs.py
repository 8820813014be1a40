"""Read Express executions from CloudWatch Logs, their only record (AWS keeps no history for them).

The state machine's loggingConfiguration names the log group; at level ALL every history event is one
JSON log record (see `events`). The JSON filter pattern makes CloudWatch do the searching on AWS; each
record is still checked here, because an emulator may ignore filter patterns and return everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from sagactl.audit.arns import log_group_name
from sagactl.audit.errors import AuditError, NoAuditTrail, StateMachineNotFound
from sagactl.audit.events import HistoryEvent, event_from_log_record
from sagactl.errors import error_code, error_message


@dataclass(frozen=True)
class ExecutionLogging:
    log_group: str
    level: str
    include_execution_data: bool

    @property
    def records_every_event(self) -> bool:
        return self.level == "ALL"


def describe_state_machine(sfn: Any, state_machine_arn: str) -> dict[str, Any]:
    try:
        return dict(sfn.describe_state_machine(stateMachineArn=state_machine_arn))
    except ClientError as error:
        if error_code(error) in ("StateMachineDoesNotExist", "ResourceNotFound"):
            raise StateMachineNotFound(f"state machine not found: {state_machine_arn}") from error
        raise AuditError(f"cannot describe {state_machine_arn}: {error_message(error)}") from error


def logging_of(state_machine: Mapping[str, Any]) -> ExecutionLogging:
    configuration = state_machine.get("loggingConfiguration") or {}
    level = str(configuration.get("level", "OFF"))
    groups = [
        d["cloudWatchLogsLogGroup"]["logGroupArn"]
        for d in configuration.get("destinations", [])
        if d.get("cloudWatchLogsLogGroup", {}).get("logGroupArn")
    ]
    if level == "OFF" or not groups:
        raise NoAuditTrail(
            f"{state_machine.get('name', 'the state machine')} does not log its executions "
            "(loggingConfiguration level OFF or no log group); Express executions are only recorded there"
        )
    return ExecutionLogging(log_group_name(groups[0]), level, bool(configuration.get("includeExecutionData")))


def read_execution_events(
    logs: Any, log_group: str, execution_arn: str, start_time_ms: int | None = None
) -> list[HistoryEvent]:
    pattern = f'{{ $.execution_arn = "{execution_arn}" }}'
    return [
        event_from_log_record(record)
        for record in log_records(logs, log_group, pattern, start_time_ms)
        if record.get("execution_arn") == execution_arn
    ]


def log_records(
    logs: Any, log_group: str, filter_pattern: str, start_time_ms: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every Step Functions log record (parsed JSON) in the group that the pattern selects, all pages."""
    request: dict[str, Any] = {"logGroupName": log_group, "filterPattern": filter_pattern}
    if start_time_ms is not None:
        request["startTime"] = start_time_ms
    while True:
        try:
            page = logs.filter_log_events(**request)
        except ClientError as error:
            if error_code(error) == "ResourceNotFoundException":
                raise NoAuditTrail(f"log group {log_group} does not exist") from error
            raise AuditError(f"cannot read log group {log_group}: {error_message(error)}") from error
        for event in page.get("events", []):
            record = _parsed(event.get("message", ""))
            if record is not None:
                yield record
        token = page.get("nextToken")
        if not token:
            return
        request["nextToken"] = token


def _parsed(message: str) -> dict[str, Any] | None:
    try:
        record = json.loads(message)
    except ValueError:
        return None  # not a Step Functions record: the group may be shared
    if isinstance(record, dict) and {"id", "type", "execution_arn"} <= record.keys():
        return record
    return None
