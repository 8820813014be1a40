"""A transaction with a rollback point per item does what moto's does (speed-up dynamodb-transaction-rollback).

Each case runs through moto's backend with moto's own code, then with the speed-up installed, on the same tables
(one with a sort key, one without): the same error (type, message, cancellation reasons) and the same items after.
The speed-up never copies a whole table, and a table with a stream keeps moto's code. In a fresh interpreter (the
speed-up patches moto process-wide).
"""

from __future__ import annotations

from typing import Any


def _put(table: str, pk: str, **attributes: Any) -> dict[str, Any]:
    item = {"pk": {"S": pk}, **({"sk": {"S": "1"}} if table == "ranged" else {}), **attributes}
    return {"Put": {"TableName": table, "Item": item}}


def _key(table: str, pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, **({"sk": {"S": "1"}} if table == "ranged" else {})}


def _update(table: str, pk: str, condition: str | None = None, **extra: Any) -> dict[str, Any]:
    update = {"TableName": table, "Key": _key(table, pk), "UpdateExpression": "SET n = n + :one",
              "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}}, **extra}
    if condition:
        update["ConditionExpression"] = condition
    return {"Update": update}


ENOUGH = "n > :zero"
CASES: list[list[dict[str, Any]]] = [
    # applied: every kind of action, on both tables
    [_update("ranged", "a"), _put("plain", "new", v={"S": "x"}), {"Delete": {"TableName": "ranged", "Key":
     _key("ranged", "b")}}, {"ConditionCheck": {"TableName": "plain", "Key": _key("plain", "a"),
                                                "ConditionExpression": "attribute_exists(pk)"}}],
    # cancelled by a condition after writes, creates and deletes: all taken back
    [_put("ranged", "created"), _update("plain", "a"), {"Delete": {"TableName": "ranged", "Key": _key("ranged", "a")}},
     _update("ranged", "b", ENOUGH)],
    # the reason carries the item when ALL_OLD is asked
    [_update("plain", "a"), _update("plain", "b", ENOUGH, ReturnValuesOnConditionCheckFailure="ALL_OLD")],
    # one item twice: refused, earlier writes taken back
    [_update("plain", "a"), _put("ranged", "created"), _put("ranged", "created", v={"S": "again"})],
    # an error that is not a condition (an update of a key attribute) becomes a cancellation reason
    [_put("plain", "created"), {"Update": {"TableName": "plain", "Key": _key("plain", "a"),
                                           "UpdateExpression": "SET pk = :x",
                                           "ExpressionAttributeValues": {":x": {"S": "z"}}}}],
    # an unknown table
    [_update("plain", "a"), _update("absent", "a")],
]

SCRIPT = """
import copy, json, sys
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from emulator.speedups import transaction_rollback

cases = json.load(sys.stdin)["cases"]


def backend(stream=False):
    made = DynamoDBBackend("eu-west-1", "123456789012")
    for name, schema in (("ranged", ["pk", "sk"]), ("plain", ["pk"])):
        made.create_table(
            name, schema=[{"AttributeName": a, "KeyType": k} for a, k in zip(schema, ["HASH", "RANGE"])],
            throughput=None, attr=[{"AttributeName": a, "AttributeType": "S"} for a in schema], global_indexes=None,
            indexes=None, streams={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"} if stream else None,
            billing_mode="PAY_PER_REQUEST", sse_specification=None, tags=[], deletion_protection_enabled=False,
            warm_throughput=None,
        )
        for pk, n in (("a", "5"), ("b", "0")):
            made.put_item(name, {"pk": {"S": pk}, **({"sk": {"S": "1"}} if name == "ranged" else {}), "n": {"N": n}})
    return made


def items(made):
    return {name: sorted((i.to_json()["Attributes"] for i in table.all_items()), key=json.dumps)
            for name, table in made.tables.items()}


def run(case, stream=False):
    made = backend(stream)
    tables = dict(made.tables)
    try:
        made.transact_write_items(copy.deepcopy(case))
        outcome = None
    except Exception as error:
        outcome = [type(error).__name__, str(error), getattr(error, "cancellation_reasons", None)]
    return {"outcome": outcome, "items": items(made),
            "same_tables": all(made.tables[name] is table for name, table in tables.items())}


motos = [run(case) for case in cases]
table_copies = []
deepcopy = copy.deepcopy


def counting_deepcopy(value, memo=None):
    if isinstance(value, Table):
        table_copies.append(value.name)
    return deepcopy(value, memo)


copy.deepcopy = counting_deepcopy
transaction_rollback.EXTENSION.install()
emulators = [run(case) for case in cases]
copies_without_streams = list(table_copies)
streamed = run(cases[1], stream=True)
print(json.dumps({"moto": motos, "emulator": emulators, "copies_without_streams": copies_without_streams,
                  "copies_with_streams": table_copies[len(copies_without_streams):], "streamed": streamed}))
"""


def test_a_transaction_does_what_moto_does_without_copying_tables(run_python) -> None:
    found: dict[str, Any] = run_python(SCRIPT, {"cases": CASES})

    for case, moto, emulator in zip(CASES, found["moto"], found["emulator"], strict=True):
        assert emulator["outcome"] == moto["outcome"], case
        assert emulator["items"] == moto["items"], case
        assert emulator["same_tables"] is True  # rolled back in place: moto swaps in its copies
    assert [moto["outcome"] is None for moto in found["moto"]] == [True, False, False, False, False, False]
    assert '"Item": {"pk": {"S": "b"}, "n": {"N": "0"}}' in found["moto"][2]["outcome"][1]  # ALL_OLD
    assert found["copies_without_streams"] == []
    assert found["copies_with_streams"] and found["streamed"]["outcome"] == found["moto"][1]["outcome"]
