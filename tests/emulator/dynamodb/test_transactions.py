"""TransactWriteItems is all or nothing, as on DynamoDB (each request atomic: dynamodb-atomic-requests)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.emulator_process import EmulatorProcess


@pytest.fixture
def ddb(emulator: EmulatorProcess) -> Any:
    return emulator.client("dynamodb")


@pytest.fixture
def table(ddb: Any, kit) -> str:
    name = kit.unique_name("tx")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _items(ddb: Any, table: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["pk"]["S"], i["sk"]["S"]): i for i in ddb.scan(TableName=table, ConsistentRead=True)["Items"]}


def test_a_cancelled_transaction_changes_nothing(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "5"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "sk": {"S": "1"}, "n": {"N": "0"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "sk": {"S": "1"}, "n": {"N": "0"}})
    before = _items(ddb, table)
    with pytest.raises(ClientError) as cancelled:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET n = n - :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "new"}, "sk": {"S": "1"}}}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "b"}, "sk": {"S": "1"}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "c"}, "sk": {"S": "1"}},
                                "ConditionExpression": "n > :zero", "ExpressionAttributeValues": {":zero": {"N": "0"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = cancelled.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "None", "ConditionalCheckFailed"]
    assert reasons[3]["Item"] == before[("c", "1")]
    assert _items(ddb, table) == before  # the update, the new item and the deletion were all undone


def test_a_transaction_that_passes_applies_every_action(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "5"}})
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}, "UpdateExpression": "SET n = :n",
                    "ConditionExpression": "n = :five",
                    "ExpressionAttributeValues": {":n": {"N": "4"}, ":five": {"N": "5"}}}},
        {"Put": {"TableName": table, "Item": {"pk": {"S": "c"}, "sk": {"S": "2"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    items = _items(ddb, table)
    assert items[("a", "1")]["n"] == {"N": "4"} and ("c", "2") in items


def test_two_actions_on_one_item_are_refused_before_anything_is_written(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "x"}, "sk": {"S": "1"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "x"}, "sk": {"S": "1"}, "v": {"S": "again"}}}},
        ])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _items(ddb, table) == {}
