"""The interpreter's in-process Lambda Invoke (sfn_lambda_in_process) answers exactly what HTTP answers.

Two levels: the Invoke responses themselves (success, function errors with and without a log tail, unknown
function or version, Event invocations, a throttle), compared field by field with the same call over HTTP;
and whole executions (Retry, Catch, both Lambda task forms) compared event by event between an emulator that
invokes in-process and one that goes over HTTP (EMULATOR_SFN_LAMBDA_OVER_HTTP=1).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from emulator.sfn_lambda_in_process import OVER_HTTP_VARIABLE

from devstack.emulator_process import EmulatorProcess
from tests.emulator.test_step_functions import CHARGE, charge_definition


def _comparable(outcome: dict[str, Any]) -> dict[str, Any]:
    payload = outcome.get("payload")
    if isinstance(payload, dict):
        payload = {key: value for key, value in payload.items() if key != "requestId"}  # one per invocation
    return {**outcome, "payload": payload}


def test_invoke_responses_are_the_ones_http_gives(kit) -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.emulator.lambda_parity_probe"],
        cwd=kit.project_root, capture_output=True, text=True, timeout=120, check=True,
    )
    results = json.loads(probe.stdout)
    assert set(results) >= {"success", "function error, log tail", "unknown function", "throttled"}
    for case, outcomes in results.items():
        assert _comparable(outcomes["in_process"]) == _comparable(outcomes["http"]), case
    assert results["throttled"]["http"]["raised"] == "TooManyRequestsException"
    assert results["function error, log tail"]["in_process"]["has_log_result"]


def _history(kit, emulator: EmulatorProcess, resource: str, execution_input: dict[str, Any]) -> list[dict[str, Any]]:
    name = kit.unique_name("charge")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=kit.role_arn, Handler="app.handler",
        Code={"ZipFile": kit.zip_source({"app.py": CHARGE})},
    )
    arn = f"arn:aws:lambda:eu-west-1:123456789012:function:{name}"
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=name, definition=json.dumps(charge_definition(arn, resource)), roleArn=kit.role_arn
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(execution_input))["executionArn"]
    for _ in range(300):
        if sfn.describe_execution(executionArn=execution)["status"] != "RUNNING":
            break
        time.sleep(0.05)
    events = sfn.get_execution_history(executionArn=execution)["events"]
    return [_without_variable_parts(event, name) for event in events]


def _without_variable_parts(event: dict[str, Any], function_name: str) -> dict[str, Any]:
    """The event without what differs between any two runs: timestamps, names, work directories, request ids."""
    text = json.dumps({k: v for k, v in event.items() if k != "timestamp"}, default=str)
    text = text.replace(function_name, "FUNCTION")
    text = re.sub(r"emulator-lambda-[^/]+/code/FUNCTION/[0-9a-f]+/", "CODE/", text)  # per emulator and zip
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "REQUEST-ID", text)
    details: dict[str, Any] = json.loads(text)
    return details


@pytest.fixture(scope="module")
def emulator_over_http(monkeypatch_module: pytest.MonkeyPatch, kit) -> Any:
    monkeypatch_module.setenv(OVER_HTTP_VARIABLE, "1")
    running = kit.start_emulator()
    monkeypatch_module.delenv(OVER_HTTP_VARIABLE)
    running.client("iam").create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("resource", ["bare-arn", "lambda:invoke"])
@pytest.mark.parametrize(
    "execution_input",
    [{"amount": 5}, {"amount": 5, "fail": "declined"}, {"amount": 5, "fail": "transient"}],
    ids=["succeeds", "caught", "retried-then-caught"],
)
def test_executions_record_the_same_history_as_over_http(
    emulator: EmulatorProcess, emulator_over_http: EmulatorProcess, resource: str, execution_input: dict[str, Any], kit
) -> None:
    in_process = _history(kit, emulator, resource, execution_input)
    over_http = _history(kit, emulator_over_http, resource, execution_input)
    assert in_process == over_http
