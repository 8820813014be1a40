"""Writes log events into the emulator's CloudWatch Logs, in-process through moto's logs backend.

In-process rather than over HTTP: it costs microseconds per invocation, not a request. Streams are
created on first use, as Lambda and Step Functions do; groups only where AWS would create them (Lambda).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from moto.logs.models import LogsBackend, logs_backends

from emulator.moto_seams import Kind, MotoExtension, Signature


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    message: str


class CloudWatchLogSink:
    def __init__(self) -> None:
        # moto's backend checks-then-creates groups and streams without a lock of its own.
        self._lock = threading.Lock()

    def write(
        self,
        account_id: str,
        region: str,
        group: str,
        stream: str,
        events: list[LogEvent],
        create_group: bool = True,
    ) -> bool:
        """Returns False (writing nothing) when the group is missing and may not be created."""
        if not events:
            return True
        backend = logs_backends[account_id][region]
        with self._lock:
            if create_group:
                backend.ensure_log_group(group)
            elif group not in backend.groups:
                return False
            backend.ensure_log_stream(group, stream)
            backend.put_log_events(
                group, stream, [{"timestamp": event.timestamp_ms, "message": event.message} for event in events]
            )
        return True


EXTENSION = MotoExtension(
    name="cloudwatch-log-sink",
    kind=Kind.FIDELITY,
    purpose="Lambda and Step Functions logs are written into moto's CloudWatch Logs, where AWS would write them",
    module=__name__,
    seams=(
        Signature(LogsBackend, "ensure_log_group", ("self", "log_group_name")),
        Signature(LogsBackend, "ensure_log_stream", ("self", "log_group_name", "log_stream_name")),
        Signature(LogsBackend, "put_log_events", ("self", "log_group_name", "log_stream_name", "log_events")),
    ),
    install=None,
)
