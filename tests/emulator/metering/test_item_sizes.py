"""The metering sizes a stored item from its attributes as AWS's rules size its wire format (dynamodb_units)."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

from emulator.metering import dynamodb_units as capacity
from emulator.metering.requests import stored_item_size

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

BLOB = base64.b64encode(b"\x00\x01\x02\xff").decode()
ITEMS: list[dict[str, Any]] = [
    {"pk": {"S": "k"}},
    {"pk": {"S": "k"}, **{name: value for name, value in EVERY_TYPE.items() if name != "pk"}},
    {"pk": {"S": "k"}, "blob": {"B": BLOB}, "blobs": {"BS": [BLOB, base64.b64encode(b"x").decode()]}},
    {"pk": {"S": "k"}, "deep": {"M": {"blob": {"B": BLOB}, "sets": {"L": [{"NS": ["1", "20.50"]}, {"SS": ["é"]}]},
                                      "inner": {"M": {"n": {"N": "-0.000100"}, "empty": {"L": []}}}}}},
    {"pk": {"S": "ключ"}, "total": {"N": "123456789012345678901234567890"}, "zero": {"N": "0"}},
]


def stored(item: dict[str, Any]) -> Any:
    backend = DynamoDBBackend("eu-west-1", "123456789012")
    backend.create_table(
        "t", schema=[{"AttributeName": "pk", "KeyType": "HASH"}], throughput=None,
        attr=[{"AttributeName": "pk", "AttributeType": "S"}], global_indexes=None, indexes=None, streams=None,
        billing_mode="PAY_PER_REQUEST", sse_specification=None, tags=[], deletion_protection_enabled=False,
        warm_throughput=None,
    )
    backend.put_item("t", copy.deepcopy(item))
    return backend.get_item("t", {"pk": item["pk"]})


@pytest.mark.parametrize("item", ITEMS, ids=range(len(ITEMS)))
def test_a_stored_item_is_sized_as_its_wire_format(item: dict[str, Any]) -> None:
    found = stored(item)

    assert stored_item_size(found) == capacity.item_size(found.to_json()["Attributes"]) == capacity.item_size(item)


def test_a_member_kept_in_wire_format_is_sized_too() -> None:
    found = stored({"pk": {"S": "k"}, "list": {"L": [{"S": "abc"}]}})
    found.attrs["list"].value.append({"N": "12"})  # what Item.to_json passes through unconverted

    assert stored_item_size(found) == capacity.item_size(found.to_json()["Attributes"])
    assert isinstance(found.attrs["list"].value[0], DynamoType)
