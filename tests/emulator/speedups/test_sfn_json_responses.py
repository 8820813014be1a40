"""The Step Functions answers written directly are what moto's serializer writes; anything else is left to it."""

from __future__ import annotations

import datetime
import enum
import json
from typing import Any

import pytest
from emulator.sfn_json_responses import OPERATIONS, StepFunctionsResponses, UnsupportedShape, body_for, plan_for
from moto.core.responses import ActionContext, ActionResult
from moto.core.serialize import get_serializer_class
from moto.core.utils import get_service_model
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.responses import StepFunctionResponse

from tests.emulator.moto_handler_double import HandlerDouble

SERVICE_MODEL = get_service_model("stepfunctions")
STARTED = datetime.datetime(2026, 11, 26, 4, 30, 1, 123987, tzinfo=datetime.UTC)
STOPPED = datetime.datetime(2026, 11, 26, 4, 30, 1, 900000, tzinfo=datetime.UTC)
WHOLE_SECOND = datetime.datetime(2026, 11, 26, 4, 30, 2, tzinfo=datetime.UTC)
EXECUTION_ARN = "arn:aws:states:eu-west-1:123456789012:execution:checkout:o-1"
MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:checkout"


class Colour(enum.Enum):
    RED = "RED"


def serializer_body(operation: str, result: Any) -> str:
    context = ActionContext(
        SERVICE_MODEL, SERVICE_MODEL.operation_model(operation), get_serializer_class("stepfunctions", "json"),
        StepFunctionResponse(),
    )
    _, _, body = ActionResult(result).execute_result(context)
    return str(body)


def plan(operation: str) -> Any:
    return plan_for(SERVICE_MODEL.operation_model(operation).output_shape)


WRITTEN_DIRECTLY = [
    ("StartExecution", {"executionArn": EXECUTION_ARN, "startDate": STARTED}),
    ("StartExecution", {"executionArn": EXECUTION_ARN, "startDate": WHOLE_SECOND}),
    ("DescribeExecution", {
        "executionArn": EXECUTION_ARN, "input": json.dumps({"sku": "KB-1", "note": "caf\u00e9 \u2028 \U0001f511"}),
        "name": "o-1", "startDate": STARTED, "stateMachineArn": MACHINE_ARN, "status": ExecutionStatus.RUNNING,
    }),
    ("DescribeExecution", {
        "executionArn": EXECUTION_ARN, "input": "{}", "name": "o-1", "startDate": STARTED, "stopDate": STOPPED,
        "stateMachineArn": MACHINE_ARN, "status": "SUCCEEDED", "output": '{"confirmation_id": "c-1"}',
        "outputDetails": {"included": True}, "redriveCount": 0,
    }),
    ("DescribeExecution", {
        "executionArn": EXECUTION_ARN, "name": "o-1", "startDate": STARTED, "stopDate": STOPPED,
        "stateMachineArn": MACHINE_ARN, "status": "FAILED", "error": "States.Timeout", "cause": "",
        "traceHeader": None,
    }),
    ("StartSyncExecution", {
        "executionArn": EXECUTION_ARN, "stateMachineArn": MACHINE_ARN, "name": "v-1", "startDate": STARTED,
        "stopDate": STOPPED, "status": "SUCCEEDED", "input": '{"a": 1}', "inputDetails": {"included": True},
        "output": '{"valid": true}', "outputDetails": {"included": False},
        "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100},
    }),
    ("StartSyncExecution", {"executionArn": EXECUTION_ARN, "startDate": STARTED, "status": "FAILED",
                            "error": "OrderInvalid", "cause": "{\"errors\": []}"}),
]


@pytest.mark.parametrize(("operation", "result"), WRITTEN_DIRECTLY)
def test_written_directly_as_the_serializer_writes_it(operation: str, result: dict[str, Any]) -> None:
    body = body_for(plan(operation), result)

    assert body is not None
    assert body == serializer_body(operation, result)


LEFT_TO_THE_SERIALIZER = [
    # another spelling of a member's name: the serializer's value picker finds it, the plan does not
    ("StartExecution", {"execution_arn": EXECUTION_ARN, "startDate": STARTED}),
    ("StartExecution", {"executionArn": EXECUTION_ARN, "startDate": STARTED.replace(tzinfo=None)}),  # naive
    ("StartExecution", {"executionArn": EXECUTION_ARN, "startDate": "2026-11-26T04:30:01Z"}),  # not a datetime
    ("StartExecution", {"executionArn": EXECUTION_ARN,
                        "startDate": STARTED.astimezone(datetime.timezone(datetime.timedelta(hours=1)))}),
    ("DescribeExecution", {"executionArn": EXECUTION_ARN, "status": Colour.RED}),  # an Enum that is not a str
    ("DescribeExecution", {"executionArn": EXECUTION_ARN, "redriveCount": True}),  # a bool is not an integer
    ("DescribeExecution", {"executionArn": EXECUTION_ARN, "redriveCount": 1.0}),
    ("DescribeExecution", {"executionArn": EXECUTION_ARN, "outputDetails": {"included": 1}}),
    ("DescribeExecution", {"executionArn": EXECUTION_ARN, "outputDetails": {"included": True, "size": 3}}),
    ("StartSyncExecution", {"executionArn": EXECUTION_ARN, "billingDetails": [64, 100]}),
    ("StartSyncExecution", ["not", "a", "dict"]),
]


@pytest.mark.parametrize(("operation", "result"), LEFT_TO_THE_SERIALIZER)
def test_anything_else_is_left_to_the_serializer(operation: str, result: Any) -> None:
    assert body_for(plan(operation), result) is None


def test_a_shape_with_members_the_writer_cannot_write_is_refused_up_front() -> None:
    with pytest.raises(UnsupportedShape, match="is a list"):
        plan_for(SERVICE_MODEL.operation_model("ListExecutions").output_shape)


# Step Functions' handler names its request id header in lower case.
SFN_REQUEST_ID = "x-amzn-requestid"


def test_the_answer_has_the_serializers_status_and_headers_and_others_go_to_it() -> None:
    responses = StepFunctionsResponses(SERVICE_MODEL, ActionResult)
    calls: list[str] = []

    def original(handler: Any, action_result: Any) -> Any:
        calls.append(handler.action)
        return 400, {}, "from the serializer"

    result = {"executionArn": EXECUTION_ARN, "startDate": STARTED}
    assert responses.serialized(original, HandlerDouble("StartExecution", SFN_REQUEST_ID), ActionResult(result)) == (
        200,
        {"Content-Type": "application/x-amz-json-1.0", "x-amzn-requestid": "r-1"},
        serializer_body("StartExecution", result),
    )
    assert calls == []
    for action, action_result in [
        ("DescribeStateMachine", ActionResult({"name": "checkout"})),  # not one of OPERATIONS
        ("StartExecution", ActionResult(ValueError("boom"))),  # an error result
        ("StartExecution", ActionResult({"execution_arn": EXECUTION_ARN})),
    ]:
        handler = HandlerDouble(action, SFN_REQUEST_ID)
        assert responses.serialized(original, handler, action_result)[2] == "from the serializer"
    assert calls == ["DescribeStateMachine", "StartExecution", "StartExecution"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_written_directly_has_a_plan(operation: str) -> None:
    names, members = plan(operation)

    assert "executionArn" in names
    assert members[0][0] == "executionArn"
