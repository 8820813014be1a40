"""StopExecution as AWS does it, and Standard executions' status changes delivered by EventBridge rules (to moto's
own targets and to Step Functions targets)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from devstack.emulator_process import EmulatorProcess

WAIT_THEN_PASS = {
    "StartAt": "Wait",
    "States": {"Wait": {"Type": "Wait", "Seconds": 5, "Next": "Done"}, "Done": {"Type": "Pass", "End": True}},
}
ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


def create_machine(kit, emulator: EmulatorProcess, definition: dict[str, Any]) -> str:
    arn: str = emulator.client("stepfunctions").create_state_machine(
        name=kit.unique_name("machine"), definition=json.dumps(definition), roleArn=kit.role_arn
    )["stateMachineArn"]
    return arn


def wait_for(condition: Callable[[], Any], timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return result


def test_a_stopped_execution_is_aborted_at_once_with_the_callers_error_and_cause(emulator, kit):
    sfn = emulator.client("stepfunctions")
    machine = create_machine(kit, emulator, WAIT_THEN_PASS)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"order_id": "o-1"}')["executionArn"]
    time.sleep(0.3)

    stopped = sfn.stop_execution(executionArn=execution, error="OperatorStop", cause="customer cancelled")

    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED"
    assert described["stopDate"] == stopped["stopDate"]
    events = sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionAborted"
    assert events[-1]["previousEventId"] == events[-2]["id"]
    assert events[-1]["executionAbortedEventDetails"] == {"error": "OperatorStop", "cause": "customer cancelled"}
    # Stopping it again changes nothing; the history stays as it ended.
    assert sfn.stop_execution(executionArn=execution)["stopDate"] == stopped["stopDate"]
    time.sleep(0.2)
    assert sfn.get_execution_history(executionArn=execution)["events"] == events


def test_stops_racing_the_start_never_fail_the_execution_or_its_history(emulator, kit, create_function):
    sfn = emulator.client("stepfunctions")
    name = create_function("def handler(event, context):\n    return event\n", prefix="echo")
    function_arn = emulator.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    task = {"Type": "Task", "Resource": function_arn, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]}
    machine = create_machine(
        kit, emulator, {"StartAt": "A", "States": {"A": {**task, "Next": "B"}, "B": {**task, "End": True}}}
    )
    outcomes = []
    for attempt in range(30):
        execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": attempt}))["executionArn"]
        if attempt % 2:
            time.sleep(0.01 * attempt)
        sfn.stop_execution(executionArn=execution, error="OperatorStop")
        status = sfn.describe_execution(executionArn=execution)["status"]
        last = sfn.get_execution_history(executionArn=execution)["events"][-1]
        outcomes.append((status, last["type"]))
    # Either the stop won (ABORTED at once) or the execution had already ended on its own.
    assert set(outcomes) <= {("ABORTED", "ExecutionAborted"), ("SUCCEEDED", "ExecutionSucceeded")}, outcomes
    assert ("ABORTED", "ExecutionAborted") in outcomes


@pytest.fixture
def status_queue(emulator, kit) -> Callable[[str], tuple[str, str]]:
    """status_queue(machine_arn): a rule on the machine's status changes delivering to a new SQS queue (a moto
    target); returns the queue URL and the rule name."""

    def create(machine_arn: str) -> tuple[str, str]:
        sqs, events = emulator.client("sqs"), emulator.client("events")
        url = sqs.create_queue(QueueName=kit.unique_name("status"))["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule = kit.unique_name("status-rule")
        pattern = {"source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
                   "detail": {"stateMachineArn": [machine_arn]}}
        events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
        return url, rule

    return create


def received(emulator, url: str, count: int) -> list[dict[str, Any]]:
    sqs, messages = emulator.client("sqs"), []

    def enough() -> bool:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        messages.extend(json.loads(m["Body"]) for m in batch)
        return len(messages) >= count

    wait_for(enough)
    return messages


def test_standard_executions_report_each_status_change_with_the_fields_aws_sends(emulator, kit, status_queue):
    sfn = emulator.client("stepfunctions")
    machine = create_machine(kit, emulator, ECHO)
    url, _ = status_queue(machine)

    execution = sfn.start_execution(stateMachineArn=machine, name="echo-1", input='{"a": 1}')["executionArn"]

    running, succeeded = received(emulator, url, 2)
    assert (running["source"], running["detail-type"]) == ("aws.states", "Step Functions Execution Status Change")
    assert running["resources"] == [execution]
    assert running["detail"]["status"] == "RUNNING" and running["detail"]["stopDate"] is None
    detail = succeeded["detail"]
    assert {k: detail[k] for k in ("executionArn", "stateMachineArn", "name", "status", "input", "output")} == {
        "executionArn": execution,
        "stateMachineArn": machine,
        "name": "echo-1",
        "status": "SUCCEEDED",
        "input": '{"a": 1}',
        "output": '{"a":1}',
    }
    assert detail["stopDate"] >= detail["startDate"] > 0


def test_a_stop_is_reported_once_as_aborted(emulator, kit, status_queue):
    sfn = emulator.client("stepfunctions")
    machine = create_machine(kit, emulator, WAIT_THEN_PASS)
    url, _ = status_queue(machine)
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    sfn.stop_execution(executionArn=execution, error="OperatorStop")

    statuses = [m["detail"]["status"] for m in received(emulator, url, 2)]
    time.sleep(0.5)
    statuses += [m["detail"]["status"] for m in received(emulator, url, 0)]
    assert statuses == ["RUNNING", "ABORTED"]


def test_a_rule_starts_a_state_machine_with_its_input_transformed(emulator, kit, status_queue):
    sfn, events = emulator.client("stepfunctions"), emulator.client("events")
    watched = create_machine(kit, emulator, WAIT_THEN_PASS)
    target = create_machine(kit, emulator, ECHO)
    rule = kit.unique_name("on-abort")
    pattern = {"source": ["aws.states"], "detail": {"status": ["ABORTED"], "stateMachineArn": [watched]}}
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "rollback",
                "Arn": target,
                "RoleArn": kit.role_arn,
                "InputTransformer": {
                    "InputPathsMap": {"input": "$.detail.input", "execution": "$.detail.executionArn"},
                    "InputTemplate": '{"originalInput": <input>, "origin": <execution>, "why": "stopped <execution>"}',
                },
            },
            {"Id": "whole-detail", "Arn": target, "RoleArn": kit.role_arn, "InputPath": "$.detail"},
        ],
    )
    ran = sfn.start_execution(stateMachineArn=watched, input='{"order_id": "o-9"}')["executionArn"]
    time.sleep(0.2)
    assert sfn.list_executions(stateMachineArn=target)["executions"] == []  # RUNNING does not match
    sfn.stop_execution(executionArn=ran)

    started = wait_for(lambda: len(found := sfn.list_executions(stateMachineArn=target)["executions"]) == 2 and found)
    inputs = sorted((json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in started),
                    key=len)
    assert inputs[0] == {"originalInput": '{"order_id": "o-9"}', "origin": ran, "why": f"stopped {ran}"}
    assert inputs[1]["executionArn"] == ran and inputs[1]["status"] == "ABORTED"
