"""Step Functions execution logging to CloudWatch Logs, as configured by a state machine's loggingConfiguration
(extension sfn-execution-logs).

For Express workflows these logs are the only record of an execution (AWS keeps no history for them).
moto's interpreter already decides *which* events to log (level ALL/ERROR/FATAL, includeExecutionData)
and hands each to a logging session; moto's own session cannot publish (it passes an ISO timestamp string
where it expects a datetime and writes events of the wrong shape), so this session does the writing, in
AWS's format. One event as AWS writes it (keys in this order; ids and the timestamp are strings):

    {"id": "1", "type": "ExecutionStarted", "details": {"input": "{}", "inputDetails": {"truncated": false},
     "roleArn": "..."}, "previous_event_id": "0", "event_timestamp": "1713959670672",
     "execution_arn": "arn:aws:states:eu-west-1:123456789012:express:Machine:name:uuid", "redrive_count": "0"}

into the stream ``states/<state machine name>/<YYYY-MM-DD-HH-MM>/00000000`` of the configured group. As on
AWS, nothing is written when the group does not exist; the stream is created on first use.

Events are written as they happen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.stepfunctions.parser import models as parser_models
from moto.stepfunctions.parser.asl.eval.event.logging import (
    CloudWatchLoggingConfiguration,
    CloudWatchLoggingSession,
    HistoryLog,
)
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.backend.execution import Execution

from emulator.log_sink import CloudWatchLogSink, LogEvent
from emulator.moto_seams import Holds, Kind, MotoExtension, Signature

_sink = CloudWatchLogSink()


class ExecutionLogSession(CloudWatchLoggingSession):
    def __init__(
        self, execution_arn: str, configuration: CloudWatchLoggingConfiguration, state_machine_name: str
    ) -> None:
        super().__init__(execution_arn=execution_arn, configuration=configuration)
        self._state_machine_name = state_machine_name

    def publish_history_log(self, history_log: HistoryLog) -> None:
        timestamp = _as_datetime(history_log["event_timestamp"])
        timestamp_ms = int(timestamp.timestamp() * 1000)
        event_type = history_log["type"]
        record: dict[str, Any] = {"id": history_log["id"], "type": getattr(event_type, "value", event_type)}
        if "details" in history_log:
            record["details"] = history_log["details"]
        record.update(
            previous_event_id=history_log["previous_event_id"],
            event_timestamp=str(timestamp_ms),
            execution_arn=history_log["execution_arn"],
            redrive_count="0",
        )
        stream = f"states/{self._state_machine_name}/{timestamp:%Y-%m-%d-%H-%M}/00000000"
        configuration = self.configuration
        _sink.write(
            configuration.log_account_id,
            configuration.log_region,
            configuration.log_group_name,
            stream,
            [LogEvent(timestamp_ms, to_json_str(record))],
            create_group=False,
        )


def logging_session_for(execution_arn: str, state_machine: Any) -> ExecutionLogSession | None:
    """The session for an execution of ``state_machine`` (a moto StateMachine), or None if it logs nothing."""
    logging_configuration = dict(getattr(state_machine, "loggingConfiguration", None) or {})
    logging_configuration.setdefault("includeExecutionData", False)
    configuration = CloudWatchLoggingConfiguration.from_logging_configuration(
        state_machine_arn=state_machine.arn, logging_configuration=logging_configuration  # type: ignore[arg-type]
    )
    if configuration is None:
        return None
    return ExecutionLogSession(execution_arn, configuration, state_machine.name)


def _as_datetime(value: datetime | str) -> datetime:
    # moto's event manager formats the timestamp (ISO 8601, milliseconds) before handing it over.
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class LoggedExecution(Execution):
    """moto's Execution, given a CloudWatch logging session when its state machine configures logging
    (moto's start_execution always passes None)."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("cloud_watch_logging_session") is None:
            kwargs["cloud_watch_logging_session"] = logging_session_for(kwargs["exec_arn"], kwargs["state_machine"])
        super().__init__(**kwargs)


def _install() -> None:
    # moto's start_execution builds its executions from this module attribute, with keyword arguments.
    parser_models.Execution = LoggedExecution  # type: ignore[misc,assignment]


EXTENSION = MotoExtension(
    name="sfn-execution-logs",
    kind=Kind.FIDELITY,
    purpose="executions of a machine with a loggingConfiguration write AWS-format events to CloudWatch Logs",
    module=__name__,
    seams=(
        Holds("moto.stepfunctions.parser.models.Execution is the parser's Execution class, built by start_execution",
              lambda: parser_models.Execution in (Execution, LoggedExecution)),
        Signature(Execution, "__init__", (
            "self", "name", "sm_type", "role_arn", "exec_arn", "account_id", "region_name", "state_machine",
            "start_date", "cloud_watch_logging_session", "activity_store", "input_data", "trace_header")),
        Signature(CloudWatchLoggingSession, "__init__", ("self", "execution_arn", "configuration")),
        Signature(CloudWatchLoggingSession, "publish_history_log", ("self", "history_log")),
        Signature(CloudWatchLoggingConfiguration, "from_logging_configuration",
                  ("state_machine_arn", "logging_configuration")),
    ),
    install=_install,
)
