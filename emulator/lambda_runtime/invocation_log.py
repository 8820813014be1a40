"""The log events Lambda writes for one invocation: START, the handler's output, END and REPORT."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from emulator.log_sink import LogEvent


@dataclass(frozen=True)
class InvocationReport:
    request_id: str
    version: str
    started_ms: int
    duration_ms: float
    memory_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None  # only on a cold start


def invocation_log_events(report: InvocationReport, output: str) -> list[LogEvent]:
    ended_ms = max(int(time.time() * 1000), report.started_ms)
    events = [LogEvent(report.started_ms, f"START RequestId: {report.request_id} Version: {report.version}")]
    events.extend(LogEvent(ended_ms, line) for line in output_lines(output))
    events.append(LogEvent(ended_ms, f"END RequestId: {report.request_id}"))
    events.append(LogEvent(ended_ms, _report_line(report)))
    return events


def output_lines(output: str) -> list[str]:
    """One event per printed line; the worker joins a multi-line error with "\\r" to keep it one event."""
    return [line.replace("\r", "\n") for line in output.split("\n") if line.strip()]


def _report_line(report: InvocationReport) -> str:
    fields = [
        f"REPORT RequestId: {report.request_id}",
        f"Duration: {report.duration_ms:.2f} ms",
        f"Billed Duration: {math.ceil(report.duration_ms)} ms",
        f"Memory Size: {report.memory_mb} MB",
        f"Max Memory Used: {report.max_memory_used_mb} MB",
    ]
    if report.init_duration_ms is not None:
        fields.append(f"Init Duration: {report.init_duration_ms:.2f} ms")
    return "\t".join(fields) + "\t"
