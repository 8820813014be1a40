"""Recent executions of a state machine: status, start, duration.

Standard: ListExecutions, newest first, one API page at a time, resumable with its `nextToken`. The listing
carries no error: the failed executions of the page are described (DescribeExecution, a few at once) for it.
Express: AWS lists no Express executions, so they are gathered from the execution log records
(`ExecutionStarted` and the terminal event) within a time window.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from sagactl.audit import event_types
from sagactl.audit.arns import parse_execution_arn
from sagactl.audit.errors import AuditError, StateMachineNotFound
from sagactl.audit.events import event_from_log_record
from sagactl.audit.express_logs import log_records
from sagactl.errors import error_code, error_message

LIST_PAGE_MAX = 1000  # ListExecutions' largest maxResults
EXECUTION_EVENTS_PATTERN = '{ $.type = "Execution*" }'
ENDED_WITH_AN_ERROR = ("FAILED", "TIMED_OUT", "ABORTED")
_DESCRIBE_THREADS = 8
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    status: str
    started: datetime | None
    stopped: datetime | None
    error: str | None = None

    @property
    def duration_s(self) -> float | None:
        if self.started is None or self.stopped is None:
            return None
        return (self.stopped - self.started).total_seconds()


@dataclass(frozen=True)
class ExecutionPage:
    executions: tuple[ExecutionSummary, ...]
    next_token: str | None  # pass back to continue where this page stopped


def list_standard_executions(
    sfn: Any,
    state_machine_arn: str,
    *,
    status: str | None = None,
    max_items: int | None = 20,
    next_token: str | None = None,
) -> ExecutionPage:
    """Up to `max_items` executions (None: all). The token resumes exactly after the last one returned:
    each request asks for no more than is still wanted, so no page is cut in the middle."""
    collected: list[ExecutionSummary] = []
    token = next_token
    while max_items is None or len(collected) < max_items:
        wanted = LIST_PAGE_MAX if max_items is None else min(max_items - len(collected), LIST_PAGE_MAX)
        request: dict[str, Any] = {"stateMachineArn": state_machine_arn, "maxResults": wanted}
        if status:
            request["statusFilter"] = status
        if token:
            request["nextToken"] = token
        try:
            page = sfn.list_executions(**request)
        except ClientError as error:
            raise _translated(error, state_machine_arn) from error
        collected.extend(
            ExecutionSummary(
                arn=str(item["executionArn"]),
                name=str(item["name"]),
                status=str(item["status"]),
                started=item.get("startDate"),
                stopped=item.get("stopDate"),
            )
            for item in page.get("executions", [])
        )
        token = page.get("nextToken")
        if not token:
            break
    return ExecutionPage(_with_errors(sfn, collected), token)


def list_express_executions(
    logs: Any,
    log_group: str,
    state_machine_name: str,
    *,
    since_ms: int,
    status: str | None = None,
    max_items: int | None = 20,
) -> ExecutionPage:
    """Executions with log records since `since_ms`, newest first; started before the window: start unknown."""
    found: dict[str, dict[str, Any]] = {}
    for record in log_records(logs, log_group, EXECUTION_EVENTS_PATTERN, since_ms):
        parsed = parse_execution_arn(str(record["execution_arn"]))
        if parsed is None or parsed.state_machine_name != state_machine_name:
            continue  # a log group may be shared by several state machines
        event = event_from_log_record(record)
        entry = found.setdefault(parsed.arn, {"name": parsed.name, "status": event_types.RUNNING})
        if event.type == event_types.EXECUTION_STARTED:
            entry["started"] = event.timestamp
        elif event.type in event_types.EXECUTION_ENDED:
            entry["stopped"] = event.timestamp
            entry["status"] = event_types.EXECUTION_ENDED[event.type]
            entry["error"] = event.details.get("error")
    summaries = [
        ExecutionSummary(arn, e["name"], e["status"], e.get("started"), e.get("stopped"), e.get("error"))
        for arn, e in found.items()
        if status is None or e["status"] == status
    ]
    summaries.sort(key=lambda s: s.started or s.stopped or _EARLIEST, reverse=True)
    return ExecutionPage(tuple(summaries[:max_items] if max_items is not None else summaries), None)


def _with_errors(sfn: Any, summaries: list[ExecutionSummary]) -> tuple[ExecutionSummary, ...]:
    """The summaries, those that ended in an error with it (and only those are described)."""

    def described(summary: ExecutionSummary) -> ExecutionSummary:
        if summary.status not in ENDED_WITH_AN_ERROR:
            return summary
        return replace(summary, error=sfn.describe_execution(executionArn=summary.arn).get("error"))

    with ThreadPoolExecutor(_DESCRIBE_THREADS) as pool:
        return tuple(pool.map(described, summaries))


def _translated(error: ClientError, state_machine_arn: str) -> AuditError:
    code = error_code(error)
    if code in ("StateMachineDoesNotExist", "ResourceNotFound"):
        return StateMachineNotFound(f"state machine not found: {state_machine_arn}")
    if code == "InvalidToken":
        return AuditError("--next-token is not valid (tokens expire after 24 hours and belong to one query)")
    return AuditError(f"cannot list executions of {state_machine_arn} ({code}): {error_message(error)}")
