"""The invocation log in both log formats, and reading the billed duration back from either (metering's input)."""

from __future__ import annotations

import json

from emulator.lambda_runtime.invocation_log import (
    InvocationReport,
    init_report_events,
    invocation_log_events,
    reported_duration,
)

REPORT = InvocationReport(request_id="r-1", version="$LATEST", started_ms=1_700_000_000_000, duration_ms=12.34,
                          memory_mb=256, max_memory_used_mb=70, init_duration_ms=150.5)


def _text(log_format: str) -> str:
    return "\n".join(event.message for event in invocation_log_events(REPORT, "printed\n", log_format))


def test_text_format_lines() -> None:
    lines = _text("Text").split("\n")

    assert lines[0] == "START RequestId: r-1 Version: $LATEST"
    assert lines[1:3] == ["printed", "END RequestId: r-1"]
    assert lines[3].startswith("REPORT RequestId: r-1\tDuration: 12.34 ms\tBilled Duration: 13 ms")


def test_json_format_records() -> None:
    lines = _text("JSON").split("\n")

    start, printed, done, report = lines
    assert json.loads(start) == {"time": "2023-11-14T22:13:20.000Z", "type": "platform.start",
                                 "record": {"requestId": "r-1", "version": "$LATEST"}}
    assert printed == "printed"
    assert json.loads(done)["type"] == "platform.runtimeDone"
    assert json.loads(report)["record"] == {"requestId": "r-1", "status": "success", "metrics": {
        "durationMs": 12.34, "billedDurationMs": 13, "memorySizeMB": 256, "maxMemoryUsedMB": 70,
        "initDurationMs": 150.5}}


def test_an_init_that_timed_out_is_reported_in_either_format() -> None:
    text = [event.message for event in init_report_events(10_000.456, "importing\n", "timeout")]
    assert text == ["importing", "INIT_REPORT Init Duration: 10000.46 ms\tPhase: init\tStatus: timeout"]

    printed, record = [event.message for event in init_report_events(10_000.456, "importing\n", "timeout", "JSON")]
    assert printed == "importing"
    assert json.loads(record)["type"] == "platform.initReport"
    assert json.loads(record)["record"] == {"initializationType": "on-demand", "phase": "init", "status": "timeout",
                                            "metrics": {"durationMs": 10000.456}}


def test_the_billed_duration_is_read_from_either_format() -> None:
    assert reported_duration(_text("Text")) == reported_duration(_text("JSON"))
    assert reported_duration(_text("JSON")).billed_ms == 13
    assert reported_duration("no report here") is None
