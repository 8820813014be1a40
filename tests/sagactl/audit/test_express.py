"""Express executions: no history API, so the trail is read from the state machine's log group."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from asl.checkout_saga import CHECKOUT_SAGA
from asl.validation_builder import build_validation_definition
from sagactl.audit import ExecutionNotFound, NoAuditTrail, VisitResult, list_express_executions, load_trail
from sagactl.audit.targets import resolve_execution_arn

MACHINE = "checkout-saga-order-validation-test"
LOG_GROUP = f"/aws/vendedlogs/states/{MACHINE}"


@dataclass(frozen=True)
class ExpressWorld:
    machine_arn: str
    valid_arn: str
    invalid_arn: str
    duplicate_arns: tuple[str, str]


def express_arn(machine_arn: str, name: str, number: int) -> str:
    return machine_arn.replace(":stateMachine:", ":express:") + f":{name}:00000000-0000-4000-8000-{number:012d}"


def recently() -> datetime:
    # CloudWatch Logs (and moto) reject events older than 14 days: these must look fresh.
    return datetime.now(UTC) - timedelta(minutes=5)


def valid_run(history):
    writer = history(start=recently()).started({"order_id": "ord-1"})
    writer.enter("ValidateOrder").lambda_ok().exit("ValidateOrder").succeeded()
    return writer


def invalid_run(history):
    writer = history(start=recently()).started({"order_id": ""})
    writer.enter("ValidateOrder").lambda_fails("InvalidOrderException", "order_id is missing").exit("ValidateOrder")
    writer.enter("ExplainOrderInvalid", "Pass").exit("ExplainOrderInvalid", "Pass")
    writer.enter("OrderInvalid", "Fail").failed("OrderInvalid", "order_id is missing")
    return writer


def write_records(logs, stream: str, records: list[dict]) -> None:
    events = [{"timestamp": int(r["event_timestamp"]), "message": json.dumps(r)} for r in records]
    events.sort(key=lambda e: e["timestamp"])
    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=events)


def create_express_machine(world, name: str, logging_configuration: dict) -> str:
    validate_arn = "arn:aws:lambda:eu-west-1:123456789012:function:validate_order"
    definition = build_validation_definition(CHECKOUT_SAGA.validation, validate_arn)
    return str(
        world.clients.stepfunctions.create_state_machine(
            name=name,
            definition=json.dumps(definition),
            roleArn=world.role_arn,
            type="EXPRESS",
            loggingConfiguration=logging_configuration,
        )["stateMachineArn"]
    )


def logging_to(group: str, level: str = "ALL") -> dict:
    group_arn = f"arn:aws:logs:eu-west-1:123456789012:log-group:{group}:*"
    destination = {"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}
    return {"level": level, "includeExecutionData": True, "destinations": [destination]}


@pytest.fixture(scope="module")
def express(world, history) -> ExpressWorld:
    logs = world.clients.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    machine_arn = create_express_machine(world, MACHINE, logging_to(LOG_GROUP))
    valid, invalid = express_arn(machine_arn, "v-ok", 1), express_arn(machine_arn, "v-bad", 2)
    duplicates = (express_arn(machine_arn, "v-dup", 3), express_arn(machine_arn, "v-dup", 4))
    # Two streams, executions interleaved in them, as concurrent Express executions log on AWS.
    for stream in ("a", "b"):
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=f"states/{MACHINE}/2024-04-24-12-00/{stream}")
    invalid_records = invalid_run(history).log_records(invalid)
    duplicate_records = [record for arn in duplicates for record in valid_run(history).log_records(arn)]
    valid_records = valid_run(history).log_records(valid)
    write_records(logs, f"states/{MACHINE}/2024-04-24-12-00/a", valid_records + invalid_records[:4])
    write_records(logs, f"states/{MACHINE}/2024-04-24-12-00/b", invalid_records[4:] + duplicate_records)
    return ExpressWorld(machine_arn, valid, invalid, duplicates)


def test_express_trail_is_rebuilt_from_the_log_group(world, express):
    trail = load_trail(world.clients, express.invalid_arn)
    assert trail.execution.workflow_type == "EXPRESS"
    assert trail.execution.name == "v-bad"
    assert LOG_GROUP in trail.execution.source
    assert trail.path == ("ValidateOrder", "ExplainOrderInvalid", "OrderInvalid")
    validate = trail.timeline.visits[0]
    assert validate.result is VisitResult.CAUGHT and validate.next_state == "ExplainOrderInvalid"
    assert trail.outcome.status == "FAILED"
    assert trail.outcome.error is not None and trail.outcome.error.error == "OrderInvalid"
    assert trail.compensations == frozenset()


def test_express_events_of_other_executions_in_the_same_streams_are_left_out(world, express):
    trail = load_trail(world.clients, express.valid_arn)
    assert trail.path == ("ValidateOrder",)
    assert trail.outcome.status == "SUCCEEDED"


def test_express_executions_are_listed_from_the_logs(world, express):
    logs = world.clients.client("logs")
    page = list_express_executions(logs, LOG_GROUP, MACHINE, since_ms=0, max_items=None)
    assert {e.arn: e.status for e in page.executions} == {
        express.valid_arn: "SUCCEEDED",
        express.invalid_arn: "FAILED",
        express.duplicate_arns[0]: "SUCCEEDED",
        express.duplicate_arns[1]: "SUCCEEDED",
    }
    failed = list_express_executions(logs, LOG_GROUP, MACHINE, since_ms=0, status="FAILED")
    assert [(e.name, e.error) for e in failed.executions] == [("v-bad", "OrderInvalid")]
    assert all(e.duration_s is not None for e in page.executions)


def test_an_express_name_resolves_only_when_it_is_unique(world, express):
    assert resolve_execution_arn(world.clients, "v-ok", express.machine_arn) == express.valid_arn
    with pytest.raises(Exception, match="2 Express executions are named 'v-dup'"):
        resolve_execution_arn(world.clients, "v-dup", express.machine_arn)
    with pytest.raises(ExecutionNotFound, match="no Express execution named 'v-none'"):
        resolve_execution_arn(world.clients, "v-none", express.machine_arn)


def test_unknown_express_execution_is_a_clear_error(world, express):
    unknown = express_arn(express.machine_arn, "v-ghost", 99)
    with pytest.raises(ExecutionNotFound, match=f"no log events for {unknown} in log group {LOG_GROUP}"):
        load_trail(world.clients, unknown)


def test_express_machine_without_logging_has_no_trail(world):
    machine_arn = create_express_machine(world, "audit-unlogged-express", {"level": "OFF"})
    with pytest.raises(NoAuditTrail, match="does not log its executions"):
        load_trail(world.clients, express_arn(machine_arn, "x", 1))


def test_trail_reads_what_the_emulator_execution_logger_writes(world, history):
    """Contract with emulator/stepfunctions/execution_logging.py: its records must be AWS's, which this reader
    reads."""
    from moto.stepfunctions.parser.api import HistoryEventType

    from emulator.stepfunctions.execution_logging import logging_session_for

    group = "/aws/vendedlogs/states/audit-emulator-contract"
    world.clients.client("logs").create_log_group(logGroupName=group)
    machine_arn = create_express_machine(world, "audit-emulator-contract", logging_to(group))
    execution_arn = express_arn(machine_arn, "v-emulated", 5)
    machine = SimpleNamespace(arn=machine_arn, name="audit-emulator-contract", loggingConfiguration=logging_to(group))
    session = logging_session_for(execution_arn, machine)
    assert session is not None
    for event in invalid_run(history).events:
        details = next((v for k, v in event.items() if k.endswith("EventDetails")), None)
        log = {"id": str(event["id"]), "previous_event_id": str(event["previousEventId"]),
               "event_timestamp": event["timestamp"], "type": HistoryEventType(event["type"]),
               "execution_arn": execution_arn}  # fmt: skip
        if details is not None:
            log["details"] = details
        session.publish_history_log(log)

    trail = load_trail(world.clients, execution_arn)

    assert trail.path == ("ValidateOrder", "ExplainOrderInvalid", "OrderInvalid")
    assert trail.outcome.status == "FAILED"


def test_cli_lists_and_traces_express_executions(world, express, capsys):
    from sagactl.__main__ import main

    assert main(["executions", "--workflow", "validation", "--region", world.region, "--status", "FAILED"]) == 0
    listing = capsys.readouterr().out
    assert express.invalid_arn in listing and express.valid_arn not in listing
    assert main(["trace", express.invalid_arn, "--no-pictures"]) == 0
    timeline = capsys.readouterr().out
    assert "(express, from CloudWatch Logs" in timeline and "OrderInvalid" in timeline
