"""Step Functions on the emulator: Lambda tasks with Retry/Catch, StartExecution's same-name rule,
StartSyncExecution (boto3 and the AWS CLI) and Express execution logs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.emulator_process import EmulatorProcess


@pytest.fixture
def charge_function_arn(emulator: EmulatorProcess, create_function: Callable[..., str], kit) -> str:
    name = create_function(kit.charge_source, prefix="charge")
    arn: str = emulator.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    return arn


def create_machine(kit, emulator: EmulatorProcess, definition: dict[str, Any], **options: Any) -> str:
    arn: str = emulator.client("stepfunctions").create_state_machine(
        name=kit.unique_name("machine"), definition=json.dumps(definition), roleArn=kit.role_arn, **options
    )["stateMachineArn"]
    return arn


def run_to_completion(emulator: EmulatorProcess, machine_arn: str, execution_input: Any) -> dict[str, Any]:
    sfn = emulator.client("stepfunctions")
    execution_arn = sfn.start_execution(stateMachineArn=machine_arn, input=json.dumps(execution_input))["executionArn"]
    deadline = time.monotonic() + 20
    while (description := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.05)
    description["events"] = sfn.get_execution_history(executionArn=execution_arn)["events"]
    return dict(description)


def failed_errors(events: list[dict[str, Any]]) -> list[str]:
    """The error names of failed task attempts, whichever resource style the Task used."""
    return [
        (event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails"))["error"]
        for event in events
        if event["type"] in ("TaskFailed", "LambdaFunctionFailed")
    ]


@pytest.mark.parametrize("resource", ["lambda:invoke", "function-arn"])
def test_task_succeeds_with_the_lambda_result(
    emulator: EmulatorProcess, charge_function_arn: str, resource: str, kit
) -> None:
    machine = create_machine(kit, emulator, kit.charge_definition(charge_function_arn, resource))

    execution = run_to_completion(emulator, machine, {"amount": 12})

    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"charged": 12}


@pytest.mark.parametrize("resource", ["lambda:invoke", "function-arn"])
def test_catch_matches_the_custom_error_name(
    emulator: EmulatorProcess, charge_function_arn: str, resource: str, kit
) -> None:
    machine = create_machine(kit, emulator, kit.charge_definition(charge_function_arn, resource))

    execution = run_to_completion(emulator, machine, {"fail": "declined"})

    assert execution["status"] == "FAILED"
    assert (execution["error"], execution["cause"]) == ("OrderDeclined", "payment declined")
    assert failed_errors(execution["events"]) == ["PaymentDeclined"]  # not retried: Retry is for TransientError
    assert "FailStateEntered" in [event["type"] for event in execution["events"]]


def test_retry_reinvokes_before_the_catch(emulator: EmulatorProcess, charge_function_arn: str, kit) -> None:
    machine = create_machine(kit, emulator, kit.charge_definition(charge_function_arn, "lambda:invoke"))

    execution = run_to_completion(emulator, machine, {"fail": "transient"})

    assert execution["status"] == "SUCCEEDED"
    # (the history, not describe_execution: moto returns a string output there unencoded, see the emulator docs)
    succeeded = execution["events"][-1]
    assert json.loads(succeeded["executionSucceededEventDetails"]["output"]) == "gave up"
    assert failed_errors(execution["events"]) == ["TransientError", "TransientError"]  # first try + 1 retry
    scheduled = [event for event in execution["events"] if event["type"] == "TaskScheduled"]
    assert len(scheduled) == 2
    assert (scheduled[1]["timestamp"] - scheduled[0]["timestamp"]).total_seconds() >= 0.9  # IntervalSeconds
    first_failure = next(event for event in execution["events"] if event["type"] == "TaskFailed")
    cause = json.loads(first_failure["taskFailedEventDetails"]["cause"])
    assert cause["errorType"] == "TransientError"
    assert cause["errorMessage"] == "try again later"


def test_lambda_timeout_reaches_step_functions_as_sandbox_timedout(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function("import time\n\ndef handler(event, context):\n    time.sleep(5)\n", timeout=1)
    function_arn = f"arn:aws:lambda:eu-west-1:{kit.account_id}:function:{name}"
    machine = create_machine(
        kit,
        emulator,
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": function_arn, "End": True}}},
    )

    execution = run_to_completion(emulator, machine, {})

    assert execution["status"] == "FAILED"
    assert execution["error"] == "Sandbox.Timedout"


def test_a_machine_timeout_stops_the_execution(emulator: EmulatorProcess, kit) -> None:
    machine = create_machine(kit, emulator, {
        "TimeoutSeconds": 1,
        "StartAt": "Wait",
        "States": {"Wait": {"Type": "Wait", "Seconds": 3, "End": True}},
    })

    started = time.monotonic()
    execution = run_to_completion(emulator, machine, {})

    assert execution["status"] == "TIMED_OUT"
    assert time.monotonic() - started < 2.5  # stopped at the machine's timeout, not at the end of the Wait


WAIT_ONE_SECOND = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "End": True}}}


def test_same_name_start_execution_follows_aws_rules(emulator: EmulatorProcess, kit) -> None:
    sfn = emulator.client("stepfunctions")
    machine = create_machine(kit, emulator, WAIT_ONE_SECOND)

    first = sfn.start_execution(stateMachineArn=machine, name="order-1", input='{"id": 1}')
    again = sfn.start_execution(stateMachineArn=machine, name="order-1", input='{"id": 1}')
    assert again["executionArn"] == first["executionArn"]  # same name and input while running: idempotent

    with pytest.raises(ClientError) as different_input:
        sfn.start_execution(stateMachineArn=machine, name="order-1", input='{"id": 2}')
    assert different_input.value.response["Error"]["Code"] == "ExecutionAlreadyExists"

    while sfn.describe_execution(executionArn=first["executionArn"])["status"] == "RUNNING":
        time.sleep(0.05)
    with pytest.raises(ClientError) as after_close:
        sfn.start_execution(stateMachineArn=machine, name="order-1", input='{"id": 1}')
    assert after_close.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_unnamed_executions_get_distinct_names(emulator: EmulatorProcess, kit) -> None:
    sfn = emulator.client("stepfunctions")
    machine = create_machine(kit, emulator, WAIT_ONE_SECOND)

    arns = {sfn.start_execution(stateMachineArn=machine)["executionArn"] for _ in range(2)}

    assert len(arns) == 2


def test_invalid_definition_names_its_error_code(emulator: EmulatorProcess, kit) -> None:
    with pytest.raises(ClientError) as invalid:
        create_machine(kit, emulator, {"StartAt": "A", "States": {"A": {"Type": "Nonsense"}}})

    assert invalid.value.response["Error"]["Code"] == "InvalidDefinition"


@pytest.fixture
def express_log_group(emulator: EmulatorProcess, kit) -> str:
    name = f"/aws/vendedlogs/states/{kit.unique_name('express')}"
    emulator.client("logs").create_log_group(logGroupName=name)
    return name


def express_machine(
    kit, emulator: EmulatorProcess, function_arn: str, log_group: str, level: str = "ALL"
) -> str:
    logging_configuration = {
        "level": level,
        "includeExecutionData": True,
        "destinations": [
            {"cloudWatchLogsLogGroup": {
                "logGroupArn": f"arn:aws:logs:eu-west-1:{kit.account_id}:log-group:{log_group}:*"}}
        ],
    }
    return create_machine(
        kit,
        emulator,
        kit.charge_definition(function_arn, "lambda:invoke"),
        type="EXPRESS",
        loggingConfiguration=logging_configuration,
    )


def test_start_sync_execution_succeeds_with_aws_response_shape(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)

    response = emulator.client("stepfunctions").start_sync_execution(
        stateMachineArn=machine, name="validate-1", input='{"amount": 5, "sleep": 0.15}'
    )

    assert response["status"] == "SUCCEEDED"
    assert json.loads(response["output"]) == {"charged": 5}
    assert response["executionArn"].startswith(f"arn:aws:states:eu-west-1:{kit.account_id}:express:")
    assert ":validate-1:" in response["executionArn"]
    assert response["stateMachineArn"] == machine
    assert response["name"] == "validate-1"
    assert json.loads(response["input"]) == {"amount": 5, "sleep": 0.15}
    assert response["inputDetails"] == {"included": True}
    assert response["stopDate"] >= response["startDate"]
    assert response["billingDetails"]["billedMemoryUsedInMB"] == 64
    assert response["billingDetails"]["billedDurationInMilliseconds"] >= 200  # 100 ms increments
    assert response["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0


def test_start_sync_execution_failure_reports_error_and_cause(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)

    sfn = emulator.client("stepfunctions")
    response = sfn.start_sync_execution(stateMachineArn=machine, input='{"fail": "declined"}')

    assert response["status"] == "FAILED"
    assert (response["error"], response["cause"]) == ("OrderDeclined", "payment declined")
    assert "output" not in response
    assert response["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0


def test_start_sync_execution_names_are_reusable(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    sfn = emulator.client("stepfunctions")
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)

    first = sfn.start_sync_execution(stateMachineArn=machine, name="same", input='{"amount": 1}')
    second = sfn.start_sync_execution(stateMachineArn=machine, name="same", input='{"amount": 1}')

    assert first["status"] == second["status"] == "SUCCEEDED"
    assert first["executionArn"] != second["executionArn"]


def test_start_sync_execution_runs_the_machine_as_last_updated(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    sfn = emulator.client("stepfunctions")
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)
    before = sfn.start_sync_execution(stateMachineArn=machine, input='{"amount": 1}')

    replaced = {"StartAt": "Fixed", "States": {"Fixed": {"Type": "Pass", "Result": {"replaced": True}, "End": True}}}
    sfn.update_state_machine(stateMachineArn=machine, definition=json.dumps(replaced))
    after = sfn.start_sync_execution(stateMachineArn=machine, input='{"amount": 1}')
    sfn.update_state_machine(stateMachineArn=machine, loggingConfiguration={"level": "OFF"})
    unlogged = sfn.start_sync_execution(stateMachineArn=machine, name="unlogged", input='{"amount": 1}')

    assert json.loads(before["output"]) == {"charged": 1}
    assert json.loads(after["output"]) == json.loads(unlogged["output"]) == {"replaced": True}
    streams = emulator.client("logs").describe_log_streams(logGroupName=express_log_group)["logStreams"]
    logged = "".join(
        event["message"]
        for stream in streams
        for event in emulator.client("logs").get_log_events(
            logGroupName=express_log_group, logStreamName=stream["logStreamName"]
        )["events"]
    )
    assert after["executionArn"] in logged and unlogged["executionArn"] not in logged


def test_start_sync_execution_through_the_aws_cli(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)

    command = ("stepfunctions", "start-sync-execution", "--state-machine-arn", machine, "--input")
    succeeded = kit.aws_cli(emulator, *command, '{"amount": 3}')
    failed = kit.aws_cli(emulator, *command, '{"fail": "declined"}')

    assert succeeded.returncode == 0, succeeded.stderr
    success = json.loads(succeeded.stdout)
    assert (success["status"], json.loads(success["output"])) == ("SUCCEEDED", {"charged": 3})
    assert success["billingDetails"]["billedMemoryUsedInMB"] == 64
    assert success["billingDetails"]["billedDurationInMilliseconds"] % 100 == 0
    assert failed.returncode == 0, failed.stderr
    failure = json.loads(failed.stdout)
    assert (failure["status"], failure["error"], failure["cause"]) == ("FAILED", "OrderDeclined", "payment declined")


def test_start_sync_execution_rejects_standard_machines(emulator: EmulatorProcess, kit) -> None:
    machine = create_machine(kit, emulator, WAIT_ONE_SECOND)

    with pytest.raises(ClientError) as rejected:
        emulator.client("stepfunctions").start_sync_execution(stateMachineArn=machine, input="{}")

    assert rejected.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def log_records(emulator: EmulatorProcess, log_group: str) -> list[dict[str, Any]]:
    events = emulator.client("logs").filter_log_events(logGroupName=log_group)["events"]
    return [dict(json.loads(event["message"]), stream=event["logStreamName"]) for event in events]


def test_express_sync_execution_events_land_in_the_log_group(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group)
    execution_arn = emulator.client("stepfunctions").start_sync_execution(
        stateMachineArn=machine, input='{"amount": 9}'
    )["executionArn"]

    records = [
        record for record in log_records(emulator, express_log_group) if record["execution_arn"] == execution_arn
    ]

    types = [record["type"] for record in records]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    assert {"TaskStateEntered", "TaskScheduled", "TaskSucceeded", "TaskStateExited"} <= set(types)
    started = records[0]
    assert list(started)[:7] == [
        "id", "type", "details", "previous_event_id", "event_timestamp", "execution_arn", "redrive_count"
    ]
    assert (started["id"], started["previous_event_id"]) == ("1", "0")
    assert json.loads(started["details"]["input"]) == {"amount": 9}
    assert started["event_timestamp"].isdigit()
    machine_name = machine.rsplit(":", 1)[1]
    assert started["stream"].startswith(f"states/{machine_name}/") and started["stream"].endswith("/00000000")


def test_express_async_execution_logs_errors_only_at_level_error(
    emulator: EmulatorProcess, charge_function_arn: str, express_log_group: str, kit
) -> None:
    sfn = emulator.client("stepfunctions")
    machine = express_machine(kit, emulator, charge_function_arn, express_log_group, level="ERROR")

    execution_arn = sfn.start_execution(stateMachineArn=machine, input='{"fail": "declined"}')["executionArn"]

    assert f":express:{machine.rsplit(':', 1)[1]}:" in execution_arn
    deadline = time.monotonic() + 10
    while not any(r["type"] == "ExecutionFailed" for r in log_records(emulator, express_log_group)):
        assert time.monotonic() < deadline, "no ExecutionFailed log event"
        time.sleep(0.05)
    types = {record["type"] for record in log_records(emulator, express_log_group)}
    assert types == {"TaskFailed", "FailStateEntered", "ExecutionFailed"}
