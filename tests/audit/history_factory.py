"""Synthetic execution histories in AWS's exact shapes, for the timeline parser's unit tests.

`HistoryWriter` appends events the way Step Functions records them (ids, previousEventId, one
`<kind>EventDetails` object per event) and can render the same history as the CloudWatch Logs records
an Express workflow writes at level ALL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2024, 4, 24, 12, 0, 0, tzinfo=UTC)
ACCOUNT_PREFIX = "arn:aws:states:eu-west-1:123456789012"


class HistoryWriter:
    def __init__(self, start: datetime = START) -> None:
        self.events: list[dict[str, Any]] = []
        self._now = start

    def event(self, kind: str, details: dict[str, Any] | None = None, after_ms: int = 5) -> dict[str, Any]:
        self._now += timedelta(milliseconds=after_ms)
        event: dict[str, Any] = {
            "id": len(self.events) + 1,
            "previousEventId": len(self.events),
            "type": kind,
            "timestamp": self._now,
        }
        if details is not None:
            event[_details_key(kind)] = details
        self.events.append(event)
        return event

    def started(self, payload: Any = None) -> HistoryWriter:
        self.event("ExecutionStarted", {"input": json.dumps(payload or {}), "roleArn": "arn:aws:iam::1:role/r"}, 0)
        return self

    def enter(self, name: str, state_type: str = "Task") -> HistoryWriter:
        self.event(f"{state_type}StateEntered", {"name": name, "input": "{}"})
        return self

    def exit(self, name: str, state_type: str = "Task") -> HistoryWriter:
        self.event(f"{state_type}StateExited", {"name": name, "output": "{}"})
        return self

    def lambda_ok(self, took_ms: int = 100) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f", "input": "{}"})
        self.event("LambdaFunctionStarted")
        self.event("LambdaFunctionSucceeded", {"output": "{}"}, took_ms)
        return self

    def lambda_fails(self, error: str, message: str = "boom", took_ms: int = 100, wait_ms: int = 0) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f"}, 5 + wait_ms)
        self.event("LambdaFunctionStarted")
        cause = json.dumps({"errorType": error, "errorMessage": message, "stackTrace": ["line 1"]})
        self.event("LambdaFunctionFailed", {"error": error, "cause": cause}, took_ms)
        return self

    def lambda_times_out(self, took_ms: int = 1000) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f"})
        self.event("LambdaFunctionStarted")
        self.event("LambdaFunctionTimedOut", {"error": "States.Timeout", "cause": "no answer"}, took_ms)
        return self

    def task_ok(self, resource: str = "sendMessage") -> HistoryWriter:
        self.event("TaskScheduled", {"resource": resource, "resourceType": "sqs", "region": "eu-west-1"})
        self.event("TaskStarted", {"resource": resource, "resourceType": "sqs"})
        self.event("TaskSucceeded", {"resource": resource, "resourceType": "sqs", "output": "{}"}, 20)
        return self

    def task_fails(self, error: str, cause: str = "service said no", wait_ms: int = 0) -> HistoryWriter:
        self.event("TaskScheduled", {"resource": "sendMessage", "resourceType": "sqs"}, 5 + wait_ms)
        self.event("TaskStarted", {"resource": "sendMessage", "resourceType": "sqs"})
        self.event("TaskFailed", {"resource": "sendMessage", "resourceType": "sqs", "error": error, "cause": cause}, 20)
        return self

    def succeeded(self) -> HistoryWriter:
        self.event("ExecutionSucceeded", {"output": "{}"})
        return self

    def failed(self, error: str, cause: str = "") -> HistoryWriter:
        self.event("ExecutionFailed", {"error": error, "cause": cause})
        return self

    def log_records(self, execution_arn: str) -> list[dict[str, Any]]:
        """The same history as AWS writes it to CloudWatch Logs for an Express execution."""
        records = []
        for event in self.events:
            record: dict[str, Any] = {"id": str(event["id"]), "type": event["type"]}
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), None)
            if details is not None:
                record["details"] = details
            record.update(
                previous_event_id=str(event["previousEventId"]),
                event_timestamp=str(int(event["timestamp"].timestamp() * 1000)),
                execution_arn=execution_arn,
                redrive_count="0",
            )
            records.append(record)
        return records


def _details_key(kind: str) -> str:
    if kind.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if kind.endswith("StateExited"):
        return "stateExitedEventDetails"
    return kind[0].lower() + kind[1:] + "EventDetails"


def out_of_stock_history() -> HistoryWriter:
    """The out-of-stock saga with one transient retry, as the real definition runs it."""
    writer = HistoryWriter().started({"order_id": "ord-1"})
    writer.enter("ValidateOrder").lambda_ok().exit("ValidateOrder")
    writer.enter("ProcessPayment").lambda_ok().exit("ProcessPayment")
    writer.enter("ReserveInventory").lambda_fails("TransientError", "throttled")
    writer.lambda_fails("InventoryDepletedException", "KB-MECH-01 is out of stock", wait_ms=1000)
    writer.exit("ReserveInventory")
    writer.enter("RefundPayment").lambda_ok().exit("RefundPayment")
    writer.enter("RollbackOutcome", "Choice").exit("RollbackOutcome", "Choice")
    writer.enter("ExplainOutOfStock", "Pass").exit("ExplainOutOfStock", "Pass")
    writer.enter("OutOfStock", "Fail").failed("OutOfStock", "KB-MECH-01 is out of stock")
    return writer
