"""Builders and table readers shared by the handler tests.

The readers go to DynamoDB directly with the documented item layout, not through checkout_domain, so a test
checks what is really stored rather than what the code under test believes it stored.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

ORDERS_TABLE = "test-orders"
PAYMENTS_TABLE = "test-payments"
INVENTORY_TABLE = "test-inventory"
IDEMPOTENCY_TABLE = "test-idempotency"
REGION = "eu-west-1"
# Long and distinctive, so that finding it in a log line or an error message cannot be a coincidence.
SECRET_TOKEN = "tok_visa_4e1f0c9b7a2d"


@dataclass
class FakeLambdaContext:
    function_name: str = "checkout-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:checkout-test"
    aws_request_id: str = "req-0001"
    remaining_millis: int = 10_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def raw_order(order_id: str = "ord-1001", **overrides: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "order_id": order_id,
        "customer_id": "cus-42",
        "currency": "EUR",
        "payment_token": SECRET_TOKEN,
        "items": [
            {"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 12999},
            {"sku": "MOUSE-ERGO-02", "quantity": 2, "unit_price_minor": 4999},
        ],
    }
    order.update(overrides)
    return order


def normalized(order: dict[str, Any]) -> dict[str, Any]:
    """What validate_order returns for a valid raw order (computed here independently): its total, and its token
    sealed for it (needs the `aws` fixture's key). Sealing is randomized: compare tokens with `unsealed`."""
    from checkout_domain.payment_token_seal import looks_sealed, seal

    result = copy.deepcopy(order)
    result["total_minor"] = sum(item["quantity"] * item["unit_price_minor"] for item in order["items"])
    if not looks_sealed(result["payment_token"]):
        result["payment_token"] = seal(result["payment_token"], result["order_id"])
    return result


def unsealed(order: dict[str, Any]) -> str:
    from checkout_domain.payment_token_seal import unseal

    return unseal(order["payment_token"], order["order_id"])


def without_token(order: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in order.items() if key != "payment_token"}


def step_event(order: dict[str, Any], **results: Any) -> dict[str, Any]:
    return {"order": normalized(order) if "total_minor" not in order else order, "results": results}


def _table(name: str) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(name)


def order_record(order_id: str) -> dict[str, Any] | None:
    return _table(ORDERS_TABLE).get_item(Key={"pk": f"ORDER#{order_id}", "sk": "ORDER"}).get("Item")


def ledger_entries(order_id: str) -> list[dict[str, Any]]:
    return _table(PAYMENTS_TABLE).query(KeyConditionExpression=Key("pk").eq(f"ORDER#{order_id}"))["Items"]


def stock(sku: str) -> int | None:
    item = _table(INVENTORY_TABLE).get_item(Key={"pk": f"SKU#{sku}", "sk": "STOCK"}).get("Item")
    return None if item is None else int(item["available"])


def reservation_record(order_id: str) -> dict[str, Any] | None:
    return _table(INVENTORY_TABLE).get_item(Key={"pk": f"ORDER#{order_id}", "sk": "RESERVATION"}).get("Item")


def all_items(table_name: str) -> list[dict[str, Any]]:
    return _table(table_name).scan()["Items"]


def forget_idempotency_records() -> None:
    """Simulates the powertools records expiring, so a redelivery reaches the domain's own safeguards."""
    table = _table(IDEMPOTENCY_TABLE)
    for item in table.scan()["Items"]:
        table.delete_item(Key={"id": item["id"]})
