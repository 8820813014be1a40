"""Functions deployed with the JSON log format: LoggingConfig shown as Lambda shows it, system lines and uncaught
errors written as JSON records, and an uncaught error is one log event in either format."""

from __future__ import annotations

import json
import textwrap
import time
from typing import Any

from devstack.emulator_process import EmulatorProcess

FAILING_SOURCE = textwrap.dedent("""
    import logging

    def handler(event, context):
        print("before the failure")
        logging.getLogger("app").info("an application record")
        logging.getLogger("app").debug("below the application log level")
        raise ValueError("card declined")
""")


def _create(emulator: EmulatorProcess, kit, logging_config: dict[str, Any] | None) -> str:
    name = kit.unique_name("logfmt")
    options = {"LoggingConfig": logging_config} if logging_config else {}
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=kit.role_arn, Handler="app.handler", Timeout=3,
        Code={"ZipFile": kit.zip_source({"app.py": FAILING_SOURCE})}, **options,
    )
    return name


def _messages(emulator: EmulatorProcess, name: str) -> list[str]:
    logs = emulator.client("logs")
    deadline = time.monotonic() + 10
    while True:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        if len(events) >= 3 or time.monotonic() > deadline:
            return [event["message"] for event in events]
        time.sleep(0.05)


def test_function_configuration_shows_the_logging_config(emulator: EmulatorProcess, kit) -> None:
    lambda_client = emulator.client("lambda")
    json_function = _create(emulator, kit, {"LogFormat": "JSON"})
    text_function = _create(emulator, kit, None)

    assert lambda_client.get_function_configuration(FunctionName=json_function)["LoggingConfig"] == {
        "LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO",
        "LogGroup": f"/aws/lambda/{json_function}"}
    assert lambda_client.get_function_configuration(FunctionName=text_function)["LoggingConfig"] == {
        "LogFormat": "Text", "LogGroup": f"/aws/lambda/{text_function}"}

    updated = lambda_client.update_function_configuration(
        FunctionName=text_function, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"})
    assert updated["LoggingConfig"]["LogFormat"] == "JSON"
    assert lambda_client.get_function(FunctionName=text_function)["Configuration"]["LoggingConfig"][
        "ApplicationLogLevel"] == "DEBUG"


def test_json_format_writes_system_records_and_one_error_record(emulator: EmulatorProcess, kit) -> None:
    name = _create(emulator, kit, {"LogFormat": "JSON"})

    response = kit.invoke(emulator, name, {})

    assert response["FunctionError"] == "Unhandled"
    messages = _messages(emulator, name)
    records = [json.loads(message) for message in messages if message.startswith("{")]
    types = [record.get("type") for record in records]
    assert types[0] == "platform.start" and types[-2:] == ["platform.runtimeDone", "platform.report"]
    report = records[-1]["record"]
    assert report["status"] == "error"
    assert set(report["metrics"]) >= {"durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB"}
    [error] = [record for record in records if record.get("log_level") == "ERROR"]
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "card declined")
    assert error["requestId"] == report["requestId"] and error["stackTrace"]
    [application] = [record for record in records if record.get("logger") == "app"]
    assert (application["level"], application["message"]) == ("INFO", "an application record")
    assert "before the failure" in messages  # print() output stays as printed
    assert not any("Traceback" in message and not message.startswith("{") for message in messages)


def test_text_format_keeps_an_uncaught_error_in_one_event(emulator: EmulatorProcess, kit) -> None:
    name = _create(emulator, kit, None)

    kit.invoke(emulator, name, {})

    messages = _messages(emulator, name)
    [error] = [message for message in messages if message.startswith("[ERROR] ValueError: card declined")]
    assert "Traceback (most recent call last):" in error and "\n" in error
    assert messages[0].startswith("START RequestId: ") and messages[-1].startswith("REPORT RequestId: ")
