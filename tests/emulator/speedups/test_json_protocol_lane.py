"""The JSON-protocol lane answers exactly as moto's Flask app does, and leaves every other request to it.

Side by side, in-process: the same WSGI environ goes to moto's Flask app for the service and to the lane;
status, headers (but the per-request id and date) and body must be equal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from emulator.json_protocol_lane import JsonProtocolLane
from moto import mock_aws
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.test import EnvironBuilder

AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/{service}/aws4_request, SignedHeaders=host, Signature=x"
)
VARYING_HEADERS = {"x-amzn-requestid", "date", "x-amz-crc32"}


@pytest.fixture
def apps() -> Iterator[dict[str, Any]]:
    with mock_aws():  # fresh backends, put back when the test ends
        yield {service: create_backend_app(service) for service in ("dynamodb", "stepfunctions", "kms", "logs")}


def environ(service: str, target: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    builder = EnvironBuilder(
        path="/", method="POST", data=json.dumps(body),
        headers={
            "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0",
            "Authorization": AUTHORIZATION.format(service=service), **headers,
        },
    )
    return builder.get_environ()


def call(app: Any, env: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.update(status=status, headers=headers)

    body = b"".join(app(env, start_response))
    headers = {name.lower(): value for name, value in started["headers"] if name.lower() not in VARYING_HEADERS}
    return started["status"], headers, body


def both(lane: JsonProtocolLane, app: Any, service: str, target: str, body: dict[str, Any]) -> Any:
    through_flask = call(app, environ(service, target, body))
    lane_app = lane.app_for(app, environ(service, target, body))
    assert lane_app is not None, f"{target} should take the lane"
    through_lane = call(lane_app, environ(service, target, body))
    assert through_lane == through_flask
    return through_flask


TABLE = {
    "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}


def test_dynamodb_answers_and_errors_are_the_flask_apps(apps: dict[str, Any]) -> None:
    lane, app = JsonProtocolLane(), apps["dynamodb"]
    call(app, environ("dynamodb", "DynamoDB_20120810.CreateTable", TABLE))
    item = {"pk": {"S": "o-1"}, "status": {"S": "PENDING"}, "total": {"N": "2599"}}
    call(app, environ("dynamodb", "DynamoDB_20120810.PutItem", {"TableName": "orders", "Item": item}))

    status, _, body = both(lane, app, "dynamodb", "DynamoDB_20120810.GetItem",
                           {"TableName": "orders", "Key": {"pk": {"S": "o-1"}}})
    assert status == "200 OK" and json.loads(body) == {"Item": item}
    both(lane, app, "dynamodb", "DynamoDB_20120810.DescribeTable", {"TableName": "orders"})
    both(lane, app, "dynamodb", "DynamoDB_20120810.Query", {
        "TableName": "orders", "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": "o-1"}},
    })
    status, _, body = both(lane, app, "dynamodb", "DynamoDB_20120810.PutItem", {
        "TableName": "orders", "Item": item, "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    })
    assert status.startswith("400") and b"ConditionalCheckFailedException" in body
    status, _, _ = both(lane, app, "dynamodb", "DynamoDB_20120810.GetItem", {"TableName": "missing", "Key": {}})
    assert status.startswith("400")


def test_other_json_services_answer_as_the_flask_apps(apps: dict[str, Any]) -> None:
    lane = JsonProtocolLane()
    both(lane, apps["stepfunctions"], "states", "AWSStepFunctions.ListStateMachines", {})
    status, _, _ = both(lane, apps["stepfunctions"], "states", "AWSStepFunctions.DescribeExecution",
                        {"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:nope:nope"})
    assert status.startswith("400")
    both(lane, apps["kms"], "kms", "TrentService.ListKeys", {})
    both(lane, apps["logs"], "logs", "Logs_20140328.DescribeLogGroups", {})


@pytest.mark.parametrize(
    "change",
    [
        {"method": "GET"},
        {"path": "/2015-03-31/functions"},
        {"headers": {"Origin": "http://localhost:3000"}},  # a browser: flask-cors negotiates
        {"headers": {"X-Amz-Target": None}},
    ],
)
def test_other_requests_take_the_flask_path(apps: dict[str, Any], change: dict[str, Any]) -> None:
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
               **change.get("headers", {})}
    builder = EnvironBuilder(
        path=change.get("path", "/"), method=change.get("method", "POST"), data="{}",
        headers={name: value for name, value in headers.items() if value is not None},
    )
    assert JsonProtocolLane().app_for(apps["dynamodb"], builder.get_environ()) is None


def test_an_app_without_a_post_root_route_takes_the_flask_path() -> None:
    with mock_aws():
        app = create_backend_app("lambda")  # REST: routes by path, nothing on POST /
        assert JsonProtocolLane().app_for(app, environ("lambda", "AWSLambda.ListFunctions", {})) is None
