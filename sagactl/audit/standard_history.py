"""Read a Standard execution: its description, the definition it ran, and its full history.

The history is read page by page with `nextToken` (a long saga with many retries easily exceeds one
page), at the API's largest page size to keep round trips few.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from sagactl.audit.errors import AuditError, ExecutionNotFound
from sagactl.audit.events import HistoryEvent, event_from_history
from sagactl.errors import error_code, error_message

HISTORY_PAGE_SIZE = 1000  # GetExecutionHistory's maximum maxResults
_NOT_FOUND = ("ExecutionDoesNotExist", "ResourceNotFound", "ResourceNotFoundException")


def describe_execution(sfn: Any, execution_arn: str) -> dict[str, Any]:
    try:
        return dict(sfn.describe_execution(executionArn=execution_arn))
    except ClientError as error:
        raise _translated(error, execution_arn) from error


def definition_for_execution(sfn: Any, execution_arn: str) -> tuple[str, dict[str, Any]]:
    """(state machine ARN, definition) as they were when the execution started (a later update may differ)."""
    try:
        machine = sfn.describe_state_machine_for_execution(executionArn=execution_arn)
    except ClientError as error:
        raise _translated(error, execution_arn) from error
    return str(machine["stateMachineArn"]), json.loads(machine["definition"])


def read_history(sfn: Any, execution_arn: str) -> list[HistoryEvent]:
    events: list[HistoryEvent] = []
    request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": HISTORY_PAGE_SIZE}
    while True:
        try:
            page = sfn.get_execution_history(**request)
        except ClientError as error:
            raise _translated(error, execution_arn) from error
        events.extend(event_from_history(raw) for raw in page.get("events", []))
        token = page.get("nextToken")
        if not token:
            return events
        request["nextToken"] = token


def _translated(error: ClientError, execution_arn: str) -> AuditError:
    code = error_code(error)
    if code in _NOT_FOUND:
        return ExecutionNotFound(f"execution not found: {execution_arn}")
    if code == "InvalidArn":
        return AuditError(f"not a valid execution ARN: {execution_arn} ({error_message(error)})")
    return AuditError(f"cannot read {execution_arn} ({code}): {error_message(error)}")
