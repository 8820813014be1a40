"""Durations read from an Invoke's log tail, whichever log format the function was deployed with."""

from __future__ import annotations

import json

from sagactl.cost.invoke import report_durations


def test_text_report_line() -> None:
    tail = "END RequestId: r\nREPORT RequestId: r\tDuration: 5.50 ms\tBilled Duration: 6 ms\tMemory Size: 256 MB\t" \
           "Max Memory Used: 60 MB\tInit Duration: 120.25 ms\t\n"

    assert report_durations(tail) == (5.5, 120.25)


def test_json_platform_report_record() -> None:
    record = {"time": "2026-01-01T00:00:00.000Z", "type": "platform.report",
              "record": {"requestId": "r", "status": "success",
                         "metrics": {"durationMs": 5.5, "billedDurationMs": 6, "memorySizeMB": 256,
                                     "maxMemoryUsedMB": 60}}}

    assert report_durations('{"type":"platform.start"}\n' + json.dumps(record) + "\n") == (5.5, None)
    assert report_durations("nothing") == (None, None)
