"""One history event, whichever way it was recorded.

Standard executions: GetExecutionHistory returns `{"id", "previousEventId", "type", "timestamp",
"<kind>EventDetails": {...}}`. Express executions: the CloudWatch Logs record AWS writes at level ALL,
`{"id": "7", "type": ..., "details": {...}, "previous_event_id": "6", "event_timestamp": "<epoch ms>",
"execution_arn": ...}`. Both carry the same details object (the log record just drops the wrapper key),
so the timeline is built from this one normalized shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class HistoryEvent:
    id: int
    previous_id: int
    type: str
    timestamp: datetime
    details: Mapping[str, Any] = field(default_factory=dict)


def event_from_history(raw: Mapping[str, Any]) -> HistoryEvent:
    details = next((value for key, value in raw.items() if key.endswith("EventDetails")), None) or {}
    return HistoryEvent(
        id=int(raw["id"]),
        previous_id=int(raw.get("previousEventId") or 0),
        type=str(raw["type"]),
        timestamp=_as_utc(raw["timestamp"]),
        details=details,
    )


def event_from_log_record(record: Mapping[str, Any]) -> HistoryEvent:
    return HistoryEvent(
        id=int(record["id"]),
        previous_id=int(record.get("previous_event_id") or 0),
        type=str(record["type"]),
        timestamp=_timestamp_of_log_record(record["event_timestamp"]),
        details=record.get("details") or {},
    )


def _timestamp_of_log_record(value: Any) -> datetime:
    # AWS writes epoch milliseconds as a string; accept a number or an ISO 8601 string too.
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    return _as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
