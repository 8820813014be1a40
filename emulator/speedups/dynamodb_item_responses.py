"""The JSON answer of DynamoDB's item operations, written directly instead of by moto's generic serializer.

moto answers every action through a serializer driven by the service model: it walks the output shape
member by member, looks each value up through an attribute picker and converts it by shape type. For the
item operations the handlers call on every step (GetItem, PutItem, UpdateItem, DeleteItem), that walk was a
third of the emulator's DynamoDB CPU (cProfile), although their output is already in DynamoDB's wire
format: ``{"Item": {"pk": {"S": "..."}}}``, ``{"Attributes": {...}}`` or ``{}``.

``item_response_body`` writes that body directly when the result is exactly such a value, and returns None
(moto's serializer answers) for anything else: a binary attribute (B/BS, which it base64-encodes), a type it
does not expect, a key other than Item/Attributes/ConsumedCapacity. A ConsumedCapacity is written when it is
a table's total (TableName and capacity units, which the serializer writes as floats): moto adds one to
every UpdateItem answer ({"TableName": ..., "CapacityUnits": 0.5}), and leaving those to the serializer cost
UpdateItem ~1 ms; per-index capacities (ReturnConsumedCapacity=INDEXES) are left to it. Top-level keys
outside the operation's output shape are dropped, as the serializer drops them (DeleteItem's
ConsumedCapacityUnits). Equivalence with the serializer, number formats included, is tested
(tests/emulator/test_dynamodb_item_responses.py).
"""

from __future__ import annotations

import json
from typing import Any

from emulator.speedups.direct_answers import DirectAnswers

FAST_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem"})
_ITEM_KEYS = frozenset({"Item", "Attributes"})
_CAPACITY = "ConsumedCapacity"
_CAPACITY_UNITS = frozenset({"CapacityUnits", "ReadCapacityUnits", "WriteCapacityUnits"})
_STRING_TYPES = frozenset({"S", "N"})
_STRING_SET_TYPES = frozenset({"SS", "NS"})


def item_response_body(operation: str, output_members: frozenset[str], result: Any) -> str | None:
    """The body moto's serializer would write for ``result`` of ``operation``, or None to let it."""
    if operation not in FAST_OPERATIONS or type(result) is not dict:
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
    """A table's total ConsumedCapacity as the serializer writes it (units are doubles), or None."""
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
    if kind == "BOOL" or kind == "NULL":
        return type(data) is bool
    if kind in _STRING_SET_TYPES:
        return type(data) is list and all(type(member) is str for member in data)
    if kind == "M":
        return _is_item(data)
    if kind == "L":
        return type(data) is list and all(_is_attribute(member) for member in data)
    return False


class ItemResponses(DirectAnswers):
    """DynamoHandler.serialized (moto_extensions, dynamodb-item-responses): the direct body when
    item_response_body writes one, moto's serializer otherwise."""

    def __init__(self, service_model: Any, result_type: type[Any]) -> None:
        super().__init__(service_model, result_type)
        self._output_members: dict[str, frozenset[str]] = {
            operation: frozenset(service_model.operation_model(operation).output_shape.members)
            for operation in FAST_OPERATIONS
        }

    def body(self, operation: str, result: Any) -> str | None:
        members = self._output_members.get(operation)
        return None if members is None else item_response_body(operation, members, result)
