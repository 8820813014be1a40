"""Run as ``python -m tests.emulator.lambda_parity_probe``: the same Lambda Invoke calls made over HTTP (the
interpreter's own client configuration) and through sfn_lambda_in_process, printed as JSON for comparison.

A separate process because it starts an in-process Emulator: moto's state and the extensions are process-wide.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from emulator import sfn_lambda_in_process, sfn_service_clients
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from emulator.server import Emulator

SOURCE = """
def handler(event, context):
    print("working on", event)
    if event.get("fail"):
        raise ValueError("boom")
    return {"echo": event}
"""


def outcome(call: Any) -> dict[str, Any]:
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


def main(kit) -> None:
    with Emulator(port=0) as emulator:
        from emulator.client_config import boto3_client

        boto3_client("iam", emulator.endpoint_url).create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")
        lam = boto3_client("lambda", emulator.endpoint_url)
        arn = lam.create_function(FunctionName="parity", Runtime="python3.13", Role=kit.role_arn, Handler="app.handler",
                                  Code={"ZipFile": kit.zip_source({"app.py": SOURCE})})["FunctionArn"]
        over_http = sfn_service_clients._http_client("eu-west-1", "lambda")
        in_process_client = sfn_service_clients._http_client("eu-west-1", "lambda")
        in_process = sfn_lambda_in_process.InProcessLambdaClient(in_process_client)
        cases: dict[str, dict[str, Any]] = {
            "success": {"FunctionName": arn, "Payload": b'{"a": 1}'},
            "by name and qualifier": {"FunctionName": "parity", "Qualifier": "$LATEST", "Payload": b"{}"},
            "no payload": {"FunctionName": arn},
            "function error": {"FunctionName": arn, "Payload": b'{"fail": true}'},
            "function error, log tail": {"FunctionName": arn, "Payload": b'{"fail": true}', "LogType": "Tail"},
            "unknown function": {"FunctionName": arn + "-missing", "Payload": b"{}"},
            "unknown qualifier": {"FunctionName": arn, "Qualifier": "7", "Payload": b"{}"},
            "event invocation": {"FunctionName": arn, "Payload": b"{}", "InvocationType": "Event"},
        }
        results: dict[str, Any] = {}
        for name, parameters in cases.items():
            results[name] = {"http": outcome(lambda p=parameters: over_http.invoke(**p)),
                             "in_process": outcome(lambda p=parameters: in_process.invoke(**p))}
        throttle = RandomFaults(seed=1, rules=(FaultRule(FaultKind.THROTTLE),))
        emulator.lambda_runtime.set_fault_policy("parity", throttle)
        parameters = cases["success"]
        results["throttled"] = {"http": outcome(lambda: over_http.invoke(**parameters)),
                                "in_process": outcome(lambda: in_process.invoke(**parameters))}
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main(kit)
