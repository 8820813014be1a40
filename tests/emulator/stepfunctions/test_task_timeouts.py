"""A task attempt that outlives its TimeoutSeconds leaves no trace after the timeout (sfn-timed-out-attempts):
the Lambda it invoked may still answer, but the history, as AWS keeps it, ends with the states that handled the
timeout, and stays readable."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from devstack.emulator_process import EmulatorProcess

SLOW_SECONDS = 2
SLOW_HANDLER = f"""
import time

def handler(event, context):
    time.sleep({SLOW_SECONDS})
    return {{"late": True}}
"""


def timed_out_task(function_arn: str, query_language: str) -> dict:
    """A one-second task on a function that answers after two, its States.Timeout caught by a Pass state."""
    task = {"Type": "Task", "Resource": function_arn, "TimeoutSeconds": 1, "Next": "Done",
            "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}]}
    if query_language == "JSONata":
        task["Arguments"] = {"order": "{% $states.input.order %}"}
    return {"QueryLanguage": query_language, "StartAt": "Slow", "States": {
        "Slow": task, "Caught": {"Type": "Pass", "End": True}, "Done": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize("query_language", ["JSONPath", "JSONata"])
def test_a_lambda_answering_after_the_task_timed_out_adds_nothing_to_the_history(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit, query_language: str
) -> None:
    name = create_function(SLOW_HANDLER, timeout=SLOW_SECONDS + 3)
    function_arn = f"arn:aws:lambda:eu-west-1:{kit.account_id}:function:{name}"
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(name=kit.unique_name("timeout"), roleArn=kit.role_arn,
                                       definition=json.dumps(timed_out_task(function_arn, query_language)))
    started = time.monotonic()
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"order": 1}')["executionArn"]
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() - started < 15, "execution did not finish"
        time.sleep(0.05)
    at_the_end = sfn.get_execution_history(executionArn=arn)["events"]

    # The Lambda answers SLOW_SECONDS after it was invoked: past that, its attempt has had every chance to record.
    time.sleep(max(0.0, started + SLOW_SECONDS + 1.5 - time.monotonic()))
    later = sfn.get_execution_history(executionArn=arn)["events"]

    assert [e["type"] for e in later] == [e["type"] for e in at_the_end]
    assert at_the_end[-1]["type"] == "ExecutionSucceeded"
    assert "LambdaFunctionTimedOut" in [e["type"] for e in at_the_end]  # the event of a Lambda resource
    assert "LambdaFunctionSucceeded" not in [e["type"] for e in later]
