"""The interpreter's in-process Lambda Invoke (speed-up sfn-lambda-in-process) answers exactly what HTTP answers.

Two levels: the Invoke responses themselves (success, function errors with and without a log tail, unknown
function or version, Event invocations, a throttle), compared field by field with the same call over HTTP;
and whole executions (Retry, Catch, both Lambda task forms) compared event by event between an emulator that
invokes in-process and one with the speed-up left out (EMULATOR_SPEEDUPS_OFF=sfn-lambda-in-process).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from devstack.emulator_process import EmulatorProcess
from emulator.speedups import OFF_VARIABLE

# The same Lambda Invoke calls over HTTP (the interpreter's own client configuration) and in-process, in an
# emulator of the script's own (moto's state and the extensions are process-wide).
PROBE = '''
import json
from botocore.exceptions import ClientError
from devstack.archives import zip_files
from devstack.clients import AwsClients
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from emulator.server import Emulator
from emulator.speedups.lambda_in_process import InProcessLambdaClient
from emulator.speedups.service_clients import _new_client

SOURCE = """
def handler(event, context):
    print("working on", event)
    if event.get("fail"):
        raise ValueError("boom")
    return {"echo": event}
"""


def outcome(call):
    try:
        response = dict(call())
    except ClientError as error:
        reply = dict(error.response)
        metadata = reply.pop("ResponseMetadata")
        return {"raised": type(error).__name__, "response": reply, "status": metadata["HTTPStatusCode"],
                "has_request_id": bool(metadata.get("RequestId"))}
    metadata = response.pop("ResponseMetadata")
    payload = response.pop("Payload").read()
    log_result = response.pop("LogResult", None)
    return {"response": response, "payload": json.loads(payload) if payload else None,
            "has_log_result": log_result is not None, "status": metadata["HTTPStatusCode"]}


with Emulator(port=0) as emulator:
    clients = AwsClients.for_emulator(emulator.endpoint_url)
    clients.client("iam").create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")
    arn = clients.client("lambda").create_function(
        FunctionName="parity", Runtime="python3.13", Role="arn:aws:iam::123456789012:role/lambda-role",
        Handler="app.handler", Code={"ZipFile": zip_files({"app.py": SOURCE})})["FunctionArn"]
    over_http = _new_client("eu-west-1", "lambda")
    in_process = InProcessLambdaClient(_new_client("eu-west-1", "lambda"))
    cases = {
        "success": {"FunctionName": arn, "Payload": b'{"a": 1}'},
        "by name and qualifier": {"FunctionName": "parity", "Qualifier": "$LATEST", "Payload": b"{}"},
        "no payload": {"FunctionName": arn},
        "function error": {"FunctionName": arn, "Payload": b'{"fail": true}'},
        "function error, log tail": {"FunctionName": arn, "Payload": b'{"fail": true}', "LogType": "Tail"},
        "unknown function": {"FunctionName": arn + "-missing", "Payload": b"{}"},
        "unknown qualifier": {"FunctionName": arn, "Qualifier": "7", "Payload": b"{}"},
        "event invocation": {"FunctionName": arn, "Payload": b"{}", "InvocationType": "Event"},
    }
    results = {}
    for name, parameters in cases.items():
        results[name] = {"http": outcome(lambda p=parameters: over_http.invoke(**p)),
                         "in_process": outcome(lambda p=parameters: in_process.invoke(**p))}
    emulator.lambda_runtime.set_fault_policy("parity", RandomFaults(seed=1, rules=(FaultRule(FaultKind.THROTTLE),)))
    results["throttled"] = {"http": outcome(lambda: over_http.invoke(**cases["success"])),
                            "in_process": outcome(lambda: in_process.invoke(**cases["success"]))}
print(json.dumps(results, default=str))
'''


def _comparable(outcome: dict[str, Any]) -> dict[str, Any]:
    payload = outcome.get("payload")
    if isinstance(payload, dict):
        payload = {key: value for key, value in payload.items() if key != "requestId"}  # one per invocation
    return {**outcome, "payload": payload}


def test_invoke_responses_are_the_ones_http_gives(run_python) -> None:
    results = run_python(PROBE)

    assert set(results) >= {"success", "function error, log tail", "unknown function", "throttled"}
    for case, outcomes in results.items():
        assert _comparable(outcomes["in_process"]) == _comparable(outcomes["http"]), case
    assert results["throttled"]["http"]["raised"] == "TooManyRequestsException"
    assert results["function error, log tail"]["in_process"]["has_log_result"]


def _history(kit, emulator: EmulatorProcess, resource: str, execution_input: dict[str, Any]) -> list[dict[str, Any]]:
    name = kit.unique_name("charge")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=kit.role_arn, Handler="app.handler",
        Code={"ZipFile": kit.zip_source({"app.py": kit.charge_source})},
    )
    arn = f"arn:aws:lambda:eu-west-1:123456789012:function:{name}"
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=name, definition=json.dumps(kit.charge_definition(arn, resource)), roleArn=kit.role_arn
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
def emulator_over_http(kit) -> Any:
    running = kit.start_emulator(extra_env={OFF_VARIABLE: "sfn-lambda-in-process"})
    running.client("iam").create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")
    yield running
    running.stop()


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
