"""HeartbeatSeconds on a callback task (``lambda:invoke.waitForTaskToken``), as AWS runs it: a worker that sends no
SendTaskHeartbeat within HeartbeatSeconds fails the task long before TimeoutSeconds. AWS records that failure as
States.Timeout (TaskTimedOut, ExecutionFailed: LocalStack's snapshots recorded against AWS), and a Catch or Retry
on States.HeartbeatTimeout (only there does that name exist) or on States.Timeout handles it; a TimeoutSeconds
timeout is no heartbeat timeout. Heartbeats keep the task waiting until SendTaskSuccess. HeartbeatSeconds and
TimeoutSeconds work as JSONPath integers and as JSONata expressions alike (issue #21)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from devstack.emulator_process import EmulatorProcess

# The Lambda function only receives the token; the test plays the worker, through the token in TaskScheduled.
IGNORE_TOKEN = """
def handler(event, context):
    return {}
"""
HEARTBEAT_SECONDS = 1


def callback_definition(
    function_name: str, query_language: str, catch: tuple[str, ...] = (), heartbeat: bool = True, timeout: int = 60
) -> dict[str, Any]:
    """Callback task ``Wait`` (HeartbeatSeconds 1 unless not ``heartbeat``, TimeoutSeconds ``timeout``: literals
    in JSONPath, expressions in JSONata); each error in ``catch`` goes to a Pass state named after it."""
    task: dict[str, Any] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True}
    if query_language == "JSONata":
        task.update(
            Arguments={"FunctionName": function_name, "Payload": {"token": "{% $states.context.Task.Token %}"}},
            TimeoutSeconds=f"{{% {timeout} %}}",
        )
        if heartbeat:
            task["HeartbeatSeconds"] = f"{{% {HEARTBEAT_SECONDS} %}}"
        handler: dict[str, Any] = {"Output": "{% $states.errorOutput %}"}
    else:
        task.update(
            Parameters={"FunctionName": function_name, "Payload": {"token.$": "$$.Task.Token"}},
            TimeoutSeconds=timeout,
        )
        if heartbeat:
            task["HeartbeatSeconds"] = HEARTBEAT_SECONDS
        handler = {"ResultPath": "$.error"}
    states: dict[str, Any] = {"Wait": task}
    if catch:
        task["Catch"] = [{"ErrorEquals": [error], "Next": f"Caught {error}", **handler} for error in catch]
        states.update({f"Caught {error}": {"Type": "Pass", "End": True} for error in catch})
    return {"QueryLanguage": query_language, "StartAt": "Wait", "States": states}


class CallbackRun:
    """One execution of a callback definition: its token (once the task is scheduled) and its end."""

    def __init__(self, emulator: EmulatorProcess, kit, definition: dict[str, Any]) -> None:
        self.sfn = emulator.client("stepfunctions")
        machine = self.sfn.create_state_machine(
            name=kit.unique_name("heartbeat"), definition=json.dumps(definition), roleArn=kit.role_arn
        )["stateMachineArn"]
        self.arn = self.sfn.start_execution(stateMachineArn=machine, input='{"order_id": "o-1"}')["executionArn"]
        self.scheduled = wait_for(lambda: self.events_of("TaskScheduled"))[0]
        self.token = json.loads(self.scheduled["taskScheduledEventDetails"]["parameters"])["Payload"]["token"]
        # The worker's clock starts when the task is waiting for it (Lambda invoked, TaskSubmitted recorded).
        wait_for(lambda: self.events_of("TaskSubmitted"))
        self.waiting_since = time.monotonic()

    def events(self) -> list[dict[str, Any]]:
        return list(self.sfn.get_execution_history(executionArn=self.arn, maxResults=1000)["events"])

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events() if event["type"] == event_type]

    def finish(self, timeout: float = 15) -> dict[str, Any]:
        described: dict[str, Any] = wait_for(
            lambda: (d := self.sfn.describe_execution(executionArn=self.arn))["status"] != "RUNNING" and d, timeout
        )
        return described


def wait_for(condition: Callable[[], Any], timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return result


@pytest.fixture(scope="module")
def callback_function(emulator: EmulatorProcess, kit) -> str:
    name = kit.unique_name("callback")
    emulator.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=kit.role_arn,
        Handler="app.handler",
        Code={"ZipFile": kit.zip_source({"app.py": IGNORE_TOKEN})},
        Timeout=3,
        MemorySize=128,
    )
    return name


LANGUAGES = pytest.mark.parametrize("query_language", ["JSONPath", "JSONata"])


def caught_error(run: CallbackRun, described: dict[str, Any], query_language: str) -> tuple[str, str]:
    """(the Pass state the Catch chose, the Error it passed on)."""
    output = json.loads(described["output"])
    caught = output["error"] if query_language == "JSONPath" else output
    entered = [e["stateEnteredEventDetails"]["name"] for e in run.events_of("PassStateEntered")]
    return entered[0], caught["Error"]


@LANGUAGES
def test_a_silent_worker_fails_the_task_with_a_heartbeat_timeout_that_a_catch_handles(
    emulator, kit, callback_function, query_language
):
    catch = ("States.HeartbeatTimeout", "States.Timeout")
    run = CallbackRun(emulator, kit, callback_definition(callback_function, query_language, catch))

    described = run.finish()

    assert time.monotonic() - run.waiting_since < 10  # HeartbeatSeconds (1), not TimeoutSeconds (60)
    assert described["status"] == "SUCCEEDED"
    # AWS records a heartbeat timeout as States.Timeout; States.HeartbeatTimeout exists only in Catch and Retry.
    assert caught_error(run, described, query_language) == ("Caught States.HeartbeatTimeout", "States.Timeout")
    timed_out = run.events_of("TaskTimedOut")
    assert len(timed_out) == 1
    details = timed_out[0]["taskTimedOutEventDetails"]
    assert details["error"] == "States.Timeout"
    assert (details["resourceType"], details["resource"]) == ("lambda", "invoke.waitForTaskToken")


def test_a_catch_on_states_timeout_handles_a_heartbeat_timeout_too(emulator, kit, callback_function):
    run = CallbackRun(emulator, kit, callback_definition(callback_function, "JSONPath", ("States.Timeout",)))

    described = run.finish()

    assert described["status"] == "SUCCEEDED"
    assert caught_error(run, described, "JSONPath") == ("Caught States.Timeout", "States.Timeout")


@LANGUAGES
def test_a_task_timeout_is_not_a_heartbeat_timeout(emulator, kit, callback_function, query_language):
    catch = ("States.HeartbeatTimeout", "States.Timeout")
    definition = callback_definition(callback_function, query_language, catch, heartbeat=False, timeout=1)
    run = CallbackRun(emulator, kit, definition)

    described = run.finish()

    assert described["status"] == "SUCCEEDED"
    assert caught_error(run, described, query_language) == ("Caught States.Timeout", "States.Timeout")


@LANGUAGES
def test_an_uncaught_heartbeat_timeout_fails_the_execution_with_states_timeout(
    emulator, kit, callback_function, query_language
):
    run = CallbackRun(emulator, kit, callback_definition(callback_function, query_language))

    described = run.finish()

    assert time.monotonic() - run.waiting_since < 10
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    assert run.events_of("TaskTimedOut")[0]["taskTimedOutEventDetails"]["error"] == "States.Timeout"
    # The task token is spent: the worker's late success is refused.
    with pytest.raises(run.sfn.exceptions.ClientError):
        run.sfn.send_task_success(taskToken=run.token, output="{}")


@LANGUAGES
def test_heartbeats_keep_the_task_waiting_until_the_worker_succeeds(emulator, kit, callback_function, query_language):
    run = CallbackRun(emulator, kit, callback_definition(callback_function, query_language, ("States.ALL",)))

    # Three heartbeat intervals pass; a heartbeat every 0.3 s restarts the clock each time.
    while time.monotonic() - run.waiting_since < 3 * HEARTBEAT_SECONDS:
        run.sfn.send_task_heartbeat(taskToken=run.token)
        time.sleep(0.3)
    assert run.sfn.describe_execution(executionArn=run.arn)["status"] == "RUNNING"
    run.sfn.send_task_success(taskToken=run.token, output='{"charged": 42}')

    described = run.finish()
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"charged": 42}
    assert run.events_of("TaskTimedOut") == []
    assert len(run.events_of("TaskSucceeded")) == 1


@LANGUAGES
def test_task_scheduled_records_the_evaluated_heartbeat_and_timeout(emulator, kit, callback_function, query_language):
    run = CallbackRun(emulator, kit, callback_definition(callback_function, query_language))

    details = run.scheduled["taskScheduledEventDetails"]
    assert details["heartbeatInSeconds"] == HEARTBEAT_SECONDS
    assert details["timeoutInSeconds"] == 60
    run.sfn.send_task_success(taskToken=run.token, output="{}")
    assert run.finish()["status"] == "SUCCEEDED"
