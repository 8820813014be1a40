"""The log events Lambda writes for one invocation: START, the handler's output, END and REPORT.

A function with the JSON log format gets them as Lambda's JSON system records (``platform.start``,
``platform.runtimeDone``, ``platform.report``, each ``{"time", "type", "record"}``) instead of text lines.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any

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
    status: str = "success"  # JSON format: success, error (the handler raised), timeout or failure


def invocation_log_events(report: InvocationReport, output: str, log_format: str = "Text") -> list[LogEvent]:
    if log_format == "JSON":
        return _json_events(report, output)
    ended_ms = max(int(time.time() * 1000), report.started_ms)
    events = [LogEvent(report.started_ms, f"START RequestId: {report.request_id} Version: {report.version}")]
    events.extend(LogEvent(ended_ms, line) for line in output_lines(output))
    events.append(LogEvent(ended_ms, f"END RequestId: {report.request_id}"))
    events.append(LogEvent(ended_ms, _report_line(report)))
    return events


def init_report_events(duration_ms: float, output: str, status: str, log_format: str = "Text") -> list[LogEvent]:
    """What Lambda logs of an init phase that did not end ready (``status``: timeout or error): its output, then
    INIT_REPORT (JSON format: a ``platform.initReport`` record)."""
    now_ms = int(time.time() * 1000)
    events = [LogEvent(now_ms, line) for line in output_lines(output)]
    if log_format == "JSON":
        events.append(_system_record(now_ms, "platform.initReport", {
            "initializationType": "on-demand", "phase": "init", "status": status,
            "metrics": {"durationMs": round(duration_ms, 3)}}))
    else:
        line = f"INIT_REPORT Init Duration: {duration_ms:.2f} ms\tPhase: init\tStatus: {status}"
        events.append(LogEvent(now_ms, line))
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


def _json_events(report: InvocationReport, output: str) -> list[LogEvent]:
    ended_ms = max(int(time.time() * 1000), report.started_ms)
    metrics: dict[str, Any] = {
        "durationMs": round(report.duration_ms, 3),
        "billedDurationMs": math.ceil(report.duration_ms),
        "memorySizeMB": report.memory_mb,
        "maxMemoryUsedMB": report.max_memory_used_mb,
    }
    if report.init_duration_ms is not None:
        metrics["initDurationMs"] = round(report.init_duration_ms, 3)
    events = [_system_record(report.started_ms, "platform.start",
                             {"requestId": report.request_id, "version": report.version})]
    events.extend(LogEvent(ended_ms, line) for line in output_lines(output))
    events.append(_system_record(ended_ms, "platform.runtimeDone", {
        "requestId": report.request_id, "status": report.status,
        "metrics": {"durationMs": metrics["durationMs"], "producedBytes": 0}}))
    events.append(_system_record(ended_ms, "platform.report",
                                 {"requestId": report.request_id, "metrics": metrics, "status": report.status}))
    return events


def _system_record(timestamp_ms: int, record_type: str, record: dict[str, Any]) -> LogEvent:
    time_text = datetime.datetime.fromtimestamp(timestamp_ms / 1000, datetime.UTC).isoformat(timespec="milliseconds")
    message = json.dumps({"time": time_text.replace("+00:00", "Z"), "type": record_type, "record": record},
                         separators=(",", ":"))
    return LogEvent(timestamp_ms, message)


@dataclass(frozen=True)
class ReportedDuration:
    duration_ms: float
    billed_ms: int


_TEXT_REPORT = re.compile(r"REPORT RequestId: \S+\tDuration: ([0-9.]+) ms\tBilled Duration: ([0-9]+) ms")


def reported_duration(log_text: str) -> ReportedDuration | None:
    """The Duration and Billed Duration of the REPORT line (Text) or platform.report record (JSON) in a log."""
    match = _TEXT_REPORT.search(log_text)
    if match:
        return ReportedDuration(float(match.group(1)), int(match.group(2)))
    for line in reversed(log_text.splitlines()):
        if '"platform.report"' in line:
            try:
                metrics = json.loads(line)["record"]["metrics"]
                return ReportedDuration(float(metrics["durationMs"]), int(metrics["billedDurationMs"]))
            except (ValueError, KeyError, TypeError):
                return None
    return None
