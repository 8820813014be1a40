"""The emulator meters what it is asked: requests per operation, DynamoDB units per table, Lambda invocations."""

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.emulator_process import EmulatorProcess
from sagactl.cost.emulator_usage import Usage, difference


def _snapshot(emulator: EmulatorProcess) -> dict[str, Any]:
    with urllib.request.urlopen(f"{emulator.endpoint_url}/emulator-api/metering", timeout=10) as response:
        snapshot: dict[str, Any] = json.loads(response.read())
    return snapshot


def _metered(emulator: EmulatorProcess, action: Callable[[], Any]) -> Usage:
    before = _snapshot(emulator)
    with contextlib.suppress(ClientError):  # a failed condition is metered too
        action()
    return difference(before, _snapshot(emulator))


@pytest.fixture
def table(emulator: EmulatorProcess, kit) -> Iterator[str]:
    name = kit.unique_name("metered")
    emulator.client("dynamodb").create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    yield name


def test_writes_and_failed_conditions_are_metered_in_write_units(emulator: EmulatorProcess, table: str) -> None:
    ddb = emulator.client("dynamodb")
    small = {"pk": {"S": "a"}, "v": {"S": "x"}}
    first = _metered(emulator, lambda: ddb.put_item(TableName=table, Item=small,
                                                    ConditionExpression="attribute_not_exists(pk)"))
    duplicate = _metered(emulator, lambda: ddb.put_item(TableName=table, Item=small,
                                                        ConditionExpression="attribute_not_exists(pk)"))
    big = _metered(emulator, lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "x" * 1500}}))
    shrink = _metered(emulator, lambda: ddb.update_item(TableName=table, Key={"pk": {"S": "a"}},
                                                        UpdateExpression="SET v = :v",
                                                        ExpressionAttributeValues={":v": {"S": "y"}}))
    assert first.dynamodb == {table: {"PutItem": {"requests": 1, "conditional_failures": 0, "read_units": 0,
                                                  "write_units": 1}}}
    assert duplicate.dynamodb[table]["PutItem"]["conditional_failures"] == 1
    assert duplicate.dynamodb_total("write_units") == 1
    assert big.dynamodb_total("write_units") == 2  # 1.5 KB
    assert shrink.dynamodb_total("write_units") == 2  # the larger of before (1.5 KB) and after
    assert first.request_count("dynamodb", "PutItem") == 1


def test_reads_are_metered_by_consistency(emulator: EmulatorProcess, table: str) -> None:
    ddb = emulator.client("dynamodb")
    ddb.put_item(TableName=table, Item={"pk": {"S": "r"}})
    consistent = _metered(emulator, lambda: ddb.get_item(TableName=table, Key={"pk": {"S": "r"}},
                                                         ConsistentRead=True))
    eventual = _metered(emulator, lambda: ddb.get_item(TableName=table, Key={"pk": {"S": "missing"}}))
    assert consistent.dynamodb_total("read_units") == 1.0
    assert eventual.dynamodb_total("read_units") == 0.5  # a missing item is still a read


def test_transactions_cost_twice_and_cancelled_ones_are_charged_too(emulator: EmulatorProcess, table: str) -> None:
    ddb = emulator.client("dynamodb")
    ddb.put_item(TableName=table, Item={"pk": {"S": "stock"}, "n": {"N": "1"}})

    def take(quantity: int) -> Callable[[], Any]:
        return lambda: ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "stock"}}, "UpdateExpression": "SET n = n - :q",
                        "ConditionExpression": "n >= :q", "ExpressionAttributeValues": {":q": {"N": str(quantity)}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"reservation-{quantity}"}}}},
        ])

    done = _metered(emulator, take(1))
    cancelled = _metered(emulator, take(5))
    assert done.dynamodb_total("write_units") == 4
    assert cancelled.dynamodb_total("write_units") == 4
    assert cancelled.dynamodb_total("conditional_failures") == 2  # every action of the cancelled transaction


def test_lambda_invocations_are_metered_with_their_billed_duration(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function("def handler(event, context):\n    return 1\n")
    kit.invoke(emulator, name)  # the cold start is not what this checks
    usage = _metered(emulator, lambda: kit.invoke(emulator, name))
    metered = usage.functions[name]
    assert metered["invocations"] == 1 and metered["errors"] == 0 and metered["memory_mb"] == 256
    assert metered["billed_ms"] >= metered["duration_ms"] > 0
    assert usage.request_count("lambda", "Invoke") == 1
