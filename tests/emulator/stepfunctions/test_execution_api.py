"""The Step Functions execution API as AWS answers it: history order and pages, execution names."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

THREE_PASSES = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"},
                                           "C": {"Type": "Pass", "End": True}}}


def _machine(emulator, kit, machine_type: str = "STANDARD") -> str:
    arn: str = emulator.client("stepfunctions").create_state_machine(
        name=kit.unique_name("api"), definition=json.dumps(THREE_PASSES), roleArn=kit.role_arn, type=machine_type,
    )["stateMachineArn"]
    return arn


def _finished_execution(emulator, kit) -> str:
    sfn = emulator.client("stepfunctions")
    arn: str = sfn.start_execution(stateMachineArn=_machine(emulator, kit))["executionArn"]
    deadline = time.monotonic() + 20
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.02)
    return arn


def test_history_in_reverse_order_and_in_pages(emulator, kit) -> None:
    sfn = emulator.client("stepfunctions")
    arn = _finished_execution(emulator, kit)
    forward = sfn.get_execution_history(executionArn=arn)["events"]

    backward = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    first_page = sfn.get_execution_history(executionArn=arn, maxResults=3)
    second_page = sfn.get_execution_history(executionArn=arn, maxResults=3, nextToken=first_page["nextToken"])

    assert len(forward) == 8
    assert [e["id"] for e in backward] == [e["id"] for e in reversed(forward)]
    assert [e["id"] for e in first_page["events"]] == [1, 2, 3]
    assert [e["id"] for e in second_page["events"]] == [4, 5, 6]
    with pytest.raises(ClientError) as refused:
        sfn.get_execution_history(executionArn=arn, nextToken="not-a-token")
    assert refused.value.response["Error"]["Code"] == "InvalidToken"


def test_the_aws_cli_reverse_order_flag(emulator, kit) -> None:
    arn = _finished_execution(emulator, kit)

    result = kit.aws_cli(emulator, "stepfunctions", "get-execution-history", "--execution-arn", arn,
                         "--reverse-order", "--max-items", "2")

    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert [event["type"] for event in events] == ["ExecutionSucceeded", "PassStateExited"]


@pytest.mark.parametrize("name", ["has space", "tab\there", "a[1]", "star*", "what?", "brace{", "semi;colon",
                                  "slash/", "ctrl\x07", "nbsp\u00a0", "x" * 81])
@pytest.mark.parametrize("machine_type", ["STANDARD", "EXPRESS"])
def test_invalid_execution_names_are_refused(emulator, kit, name: str, machine_type: str) -> None:
    machine = _machine(emulator, kit, machine_type)

    with pytest.raises(ClientError) as refused:
        emulator.client("stepfunctions").start_execution(stateMachineArn=machine, name=name)

    expected = "ValidationException" if len(name) > 80 else "InvalidName"
    assert refused.value.response["Error"]["Code"] == expected


def test_sync_executions_check_names_too(emulator, kit) -> None:
    machine = _machine(emulator, kit, "EXPRESS")

    with pytest.raises(ClientError) as refused:
        emulator.client("stepfunctions").start_sync_execution(stateMachineArn=machine, name="no good")

    assert refused.value.response["Error"]["Code"] == "InvalidName"


@pytest.mark.parametrize("name", ["ord-1001", "x" * 80, "Order_2026.12.07", "ünïcode-名前"])
def test_valid_names_run(emulator, kit, name: str) -> None:
    sfn = emulator.client("stepfunctions")
    machine = _machine(emulator, kit)

    arn = sfn.start_execution(stateMachineArn=machine, name=name)["executionArn"]

    assert sfn.describe_execution(executionArn=arn)["name"] == name


@pytest.mark.parametrize("wait", [{"Timestamp": "2999-01-01T00:00:00Z"}, {"TimestampPath": "$.until"},
                                  {"SecondsPath": "$.seconds"}])
def test_a_wait_beyond_one_year_fails_the_execution(emulator, kit, wait) -> None:
    sfn = emulator.client("stepfunctions")
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Next": "Done", **wait},
                                             "Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name=kit.unique_name("wait"), definition=json.dumps(definition),
                                       roleArn=kit.role_arn)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(
        {"until": "9999-12-31T23:59:59Z", "seconds": 99_999_999}))["executionArn"]
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "a wait past the limit must not be slept"
        time.sleep(0.05)

    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")
    assert "more than the maximum of 31536000 seconds" in described["cause"]


def test_a_wait_within_the_limit_runs(emulator, kit) -> None:
    sfn = emulator.client("stepfunctions")
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.until", "Next": "Done"},
                                             "Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name=kit.unique_name("wait"), definition=json.dumps(definition),
                                       roleArn=kit.role_arn)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"until": "2020-01-01T00:00:00Z"}))[
        "executionArn"]
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)

    assert described["status"] == "SUCCEEDED"
