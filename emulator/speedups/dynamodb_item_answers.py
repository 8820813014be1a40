"""The answers of DynamoDB's item operations written as JSON directly, not by moto's generic serializer (speed-up
dynamodb-item-answers).

moto answers every action through a serializer driven by the service model: it walks the output shape member by
member, looks each value up through an attribute picker and converts it by shape type. The item operations every
saga step calls (GetItem, PutItem, UpdateItem, DeleteItem) answer values already in DynamoDB's wire format
(``{"Item": {"pk": {"S": "..."}}}``, ``{"Attributes": {...}}``, ``{}``), and that walk was the largest part of their
answer's CPU.

``item_answer_body`` writes that body directly when the result is exactly such a value, and returns None (moto's
serializer answers) for anything else: a binary attribute (B/BS, which it base64-encodes), a type it does not
expect, a key other than Item/Attributes/ConsumedCapacity. A ConsumedCapacity is written when it is a table's
total (TableName and capacity units, which the serializer writes as doubles); per-index capacities are left to
the serializer. Top-level keys outside the operation's output shape are dropped, as the serializer drops them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.core.responses import BaseResponse
from moto.core.utils import get_service_model
from moto.dynamodb.responses import DynamoHandler, DynamoResult

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, original, patch

DIRECT_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem"})
_ITEM_KEYS = frozenset({"Item", "Attributes"})
_CAPACITY = "ConsumedCapacity"
_CAPACITY_UNITS = frozenset({"CapacityUnits", "ReadCapacityUnits", "WriteCapacityUnits"})
_STRING_TYPES = frozenset({"S", "N"})
_STRING_SET_TYPES = frozenset({"SS", "NS"})


def item_answer_body(operation: str, output_members: frozenset[str], result: Any) -> str | None:
    """The body moto's serializer would write for ``result`` of ``operation``, or None to let it."""
    if operation not in DIRECT_OPERATIONS or type(result) is not dict:
        return None
    body: dict[str, Any] = {}
    for key, value in result.items():
        if key not in output_members:
            continue  # the serializer writes only the output shape's members
        if key == _CAPACITY:
            capacity = _table_capacity(value)
            if capacity is None:
                return None
            body[key] = capacity
        elif key in _ITEM_KEYS and _is_item(value):
            body[key] = value
        else:
            return None
    return json.dumps(body)


def _table_capacity(value: Any) -> dict[str, Any] | None:
    if type(value) is not dict:
        return None
    capacity: dict[str, Any] = {}
    for name, data in value.items():
        if name == "TableName" and type(data) is str:
            capacity[name] = data
        elif name in _CAPACITY_UNITS and type(data) in (int, float):
            capacity[name] = float(data)
        else:
            return None
    return capacity


def _is_item(value: Any) -> bool:
    return type(value) is dict and all(type(name) is str and _is_attribute(item) for name, item in value.items())


def _is_attribute(value: Any) -> bool:
    """An AttributeValue whose JSON is the value itself: exactly one type key, no binary."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, data),) = value.items()
    if kind in _STRING_TYPES:
        return type(data) is str
    if kind in ("BOOL", "NULL"):
        return type(data) is bool
    if kind in _STRING_SET_TYPES:
        return type(data) is list and all(type(member) is str for member in data)
    if kind == "M":
        return _is_item(data)
    if kind == "L":
        return type(data) is list and all(_is_attribute(member) for member in data)
    return False


def direct_answers(original: Callable[..., Any]) -> Callable[..., Any]:
    """A replacement for ``DynamoHandler.serialized(self, action_result)``: moto's serializer's status, content type
    and the handler's headers around the direct body; moto's own answer when there is none."""
    model = get_service_model("dynamodb")
    content_type = f"application/x-amz-json-{model.metadata['jsonVersion']}"
    output_members = {operation: frozenset(model.operation_model(operation).output_shape.members)
                      for operation in DIRECT_OPERATIONS}

    def serialized(self: DynamoHandler, action_result: Any) -> Any:
        operation = self._get_action()
        body = None
        if type(action_result) is DynamoResult and operation in output_members:
            body = item_answer_body(operation, output_members[operation], action_result.result)
        if body is None:
            return original(self, action_result)
        headers = {"Content-Type": content_type}
        headers.update(self.response_headers)
        return 200, headers, body

    return serialized


def _install() -> None:
    patch(DynamoHandler, "serialized", direct_answers)


EXTENSION = MotoExtension(
    name="dynamodb-item-answers",
    kind=Kind.SPEED_UP,
    purpose="GetItem, PutItem, UpdateItem and DeleteItem answers written as JSON directly, not by the serializer",
    module=__name__,
    seams=(
        Signature(BaseResponse, "serialized", ("self", "action_result")),
        Holds("DynamoHandler inherits BaseResponse.serialized",
              lambda: original(DynamoHandler.serialized) is original(BaseResponse.serialized)),
        SourceLine(BaseResponse, "serialized", "headers.update(self.response_headers)"),
        SourceLine(DynamoResult, "__init__", "transformed_result = dynamo_to_dict(result)"),
    ),
    install=_install,
)
