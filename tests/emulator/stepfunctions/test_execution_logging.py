"""An execution's log events go out as they happen, each to its execution's log stream."""

from __future__ import annotations

from typing import Any

import pytest
from moto.stepfunctions.parser.asl.eval.event.logging import CloudWatchLoggingConfiguration

from emulator.log_sink import LogEvent
from emulator.stepfunctions import execution_logging as sfn_execution_logging
from emulator.stepfunctions.execution_logging import ExecutionLogSession

GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/validation:*"


class RecordingSink:
    def __init__(self) -> None:
        self.writes: list[tuple[str, list[LogEvent]]] = []

    def write(self, account: str, region: str, group: str, stream: str, events: list[LogEvent],
              create_group: bool = True) -> bool:
        self.writes.append((stream, list(events)))
        return True


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> RecordingSink:
    recording = RecordingSink()
    monkeypatch.setattr(sfn_execution_logging, "_sink", recording)
    return recording


def session() -> ExecutionLogSession:
    configuration = CloudWatchLoggingConfiguration.from_logging_configuration(
        state_machine_arn="arn:aws:states:eu-west-1:123456789012:stateMachine:validation",
        logging_configuration={"level": "ALL", "includeExecutionData": True,  # type: ignore[typeddict-item]
                               "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": GROUP_ARN}}]},
    )
    assert configuration is not None
    return ExecutionLogSession("arn:aws:states:eu-west-1:123456789012:express:validation:n:u", configuration,
                               "validation")


def history_log(event_id: int, minute: int) -> Any:
    return {"id": str(event_id), "type": "PassStateEntered", "previous_event_id": str(event_id - 1),
            "event_timestamp": f"2026-11-26T03:{minute:02d}:59.123Z", "execution_arn": "arn:x"}


def test_events_are_written_as_they_happen(sink: RecordingSink) -> None:
    logging = session()
    logging.publish_history_log(history_log(1, 40))
    assert len(sink.writes) == 1
    logging.publish_history_log(history_log(2, 40))
    assert [len(events) for _, events in sink.writes] == [1, 1]
