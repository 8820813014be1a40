"""Recognising a Lambda "uncaught error" log event in either log format (the fuzzer's log check)."""

from __future__ import annotations

import json

from sagactl.reliability.fuzz import unhandled_error_type


def test_text_and_json_uncaught_errors() -> None:
    json_record = json.dumps({"timestamp": "2026-01-01T00:00:00.000Z", "log_level": "ERROR",
                              "errorMessage": "bad", "errorType": "InvalidOrderException", "requestId": "r",
                              "stackTrace": []}, separators=(",", ":"))

    assert unhandled_error_type("[ERROR] InvalidOrderException: bad\nTraceback ...") == "InvalidOrderException"
    assert unhandled_error_type(json_record) == "InvalidOrderException"
    assert unhandled_error_type('{"level":"ERROR","message":"logged, not raised"}') is None
    assert unhandled_error_type("START RequestId: r Version: $LATEST") is None
