"""The item operations' bodies written directly are what moto's serializer writes; anything else is left to it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator.dynamodb_item_responses import FAST_OPERATIONS, ItemResponses, item_response_body
from moto.core.responses import ActionContext, ActionResult
from moto.core.serialize import get_serializer_class
from moto.core.utils import get_service_model
from moto.dynamodb.responses import DynamoHandler, DynamoResult

from tests.emulator.moto_handler_double import HandlerDouble

SERVICE_MODEL = get_service_model("dynamodb")

EVERY_TYPE: dict[str, Any] = {
    "pk": {"S": "ORDER#o-1"},
    "total": {"N": "2599"},
    "paid": {"BOOL": True},
    "note": {"NULL": True},
    "tags": {"SS": ["gift", "priority"]},
    "amounts": {"NS": ["1", "2.5"]},
    "address": {"M": {"city": {"S": "Lyon"}, "lines": {"L": [{"S": "1 rue"}, {"N": "2"}]}}},
    "history": {"L": [{"M": {"status": {"S": "PENDING"}}}, {"BOOL": False}]},
    "empty": {"M": {}},
}


def serializer_body(operation: str, result: Any) -> str:
    context = ActionContext(
        SERVICE_MODEL, SERVICE_MODEL.operation_model(operation), get_serializer_class("dynamodb", "json"),
        DynamoHandler(),
    )
    _, _, body = ActionResult(result).execute_result(context)
    return str(body)


def members(operation: str) -> frozenset[str]:
    return frozenset(SERVICE_MODEL.operation_model(operation).output_shape.members)


@pytest.mark.parametrize(
    ("operation", "result"),
    [
        ("PutItem", {}),
        ("GetItem", {}),
        ("GetItem", {"Item": EVERY_TYPE}),
        ("PutItem", {"Attributes": EVERY_TYPE}),
        ("UpdateItem", {"Attributes": {"status": {"S": "CONFIRMED"}, "version": {"N": "3"}}}),
        ("DeleteItem", {"ConsumedCapacityUnits": 0.5}),  # not in the output shape: both drop it
        ("DeleteItem", {"Attributes": EVERY_TYPE, "ConsumedCapacityUnits": 0.5}),
        # moto adds this to every UpdateItem answer; ReturnConsumedCapacity=TOTAL adds it to the others.
        ("UpdateItem", {"ConsumedCapacity": {"TableName": "orders", "CapacityUnits": 0.5}}),
        ("UpdateItem", {"Attributes": EVERY_TYPE, "ConsumedCapacity": {"TableName": "orders", "CapacityUnits": 0.5}}),
        ("GetItem", {"Item": {"pk": {"S": "x"}}, "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1}}),
        ("PutItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 2, "WriteCapacityUnits": 2.0}}),
    ],
)
def test_the_direct_body_is_the_serializers(operation: str, result: dict[str, Any]) -> None:
    ours = item_response_body(operation, members(operation), DynamoResult(result).result)
    assert ours is not None
    assert exactly(ours) == exactly(serializer_body(operation, DynamoResult(result).result))


def exactly(body: str) -> Any:
    """The body's JSON with each number kept as written: 1 and 1.0 differ (clients parse them as int or float)."""
    return json.loads(body, parse_float=lambda text: ("float", text), parse_int=lambda text: ("int", text))


@pytest.mark.parametrize(
    ("operation", "result"),
    [
        ("GetItem", {"Item": {"blob": {"B": b"\x00\x01"}}}),  # the serializer base64-encodes binary
        ("GetItem", {"Item": {"blobs": {"BS": [b"\x00"]}}}),
        # per-index capacities (ReturnConsumedCapacity=INDEXES), and values the serializer would convert
        ("GetItem", {"Item": {"pk": {"S": "x"}}, "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1,
                                                                      "Table": {"CapacityUnits": 1}}}),
        ("UpdateItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": "0.5"}}),
        ("UpdateItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": True}}),
        ("UpdateItem", {"ConsumedCapacity": [{"TableName": "t"}]}),
        ("UpdateItem", {"Attributes": {"n": {"N": 3}}}),  # not wire format: the serializer converts it
        ("UpdateItem", {"Attributes": {"two": {"S": "a", "N": "1"}}}),
        ("Query", {"Items": [{"pk": {"S": "x"}}], "Count": 1}),
        ("TransactWriteItems", {}),
    ],
)
def test_anything_else_is_left_to_the_serializer(operation: str, result: dict[str, Any]) -> None:
    output_members = members(operation) if operation in FAST_OPERATIONS else frozenset()
    assert item_response_body(operation, output_members, result) is None


def test_the_response_has_the_serializers_status_and_content_type() -> None:
    responses = ItemResponses(SERVICE_MODEL, DynamoResult)
    calls: list[Any] = []

    def original(handler: Any, action_result: Any) -> Any:
        calls.append(action_result)
        return 400, {}, "from moto"

    status, headers, body = responses.serialized(original, HandlerDouble("GetItem"), DynamoResult({"Item": EVERY_TYPE}))
    assert (status, headers) == (200, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "r-1"})
    assert json.loads(body) == {"Item": EVERY_TYPE} and calls == []

    query = ActionResult({"Items": []})
    assert responses.serialized(original, HandlerDouble("Query"), query) == (400, {}, "from moto")
    binary = DynamoResult({"Item": {"b": {"B": b"\x00"}}})
    assert responses.serialized(original, HandlerDouble("GetItem"), binary) == (400, {}, "from moto")
    assert calls == [query, binary]
