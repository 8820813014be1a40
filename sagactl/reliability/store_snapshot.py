"""Read what the saga left in DynamoDB: ledger, stock, reservations, order status, idempotency records.

The item layouts are the domain's (handlers/checkout_domain: payment_ledger, inventory, orders); this is the
operator's read-only view of them, used by the invariant checker, recovery and the tests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from sagactl.discovery import TableNames

_deserializer = TypeDeserializer()


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    values = {key: _deserializer.deserialize(value) for key, value in item.items()}
    return {
        key: int(value) if hasattr(value, "as_integer_ratio") and value == int(value) else value
        for key, value in values.items()
    }


@dataclass(frozen=True)
class OrderSnapshot:
    order_id: str
    status: str | None
    charged_minor: int
    refunded_minor: int
    charges: int
    refunds: int
    reservation_status: str | None
    reserved: dict[str, int]

    @property
    def net_charge_minor(self) -> int:
        return self.charged_minor - self.refunded_minor


def _partition(dynamodb: Any, table: str, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    ):
        items.extend(_plain(item) for item in page["Items"])
    return items


def order_snapshot(dynamodb: Any, tables: TableNames, order_id: str) -> OrderSnapshot:
    partition = f"ORDER#{order_id}"
    ledger = _partition(dynamodb, tables.payments, partition)
    charges = [e for e in ledger if e["sk"] == "CHARGE"]
    refunds = [e for e in ledger if e["sk"].startswith("REFUND#")]
    orders = [o for o in _partition(dynamodb, tables.orders, partition) if o["sk"] == "ORDER"]
    reservations = [r for r in _partition(dynamodb, tables.inventory, partition) if r["sk"] == "RESERVATION"]
    reservation = reservations[0] if reservations else None
    return OrderSnapshot(
        order_id=order_id,
        status=orders[0]["status"] if orders else None,
        charged_minor=sum(c["amount_minor"] for c in charges),
        refunded_minor=sum(r["amount_minor"] for r in refunds),
        charges=len(charges),
        refunds=len(refunds),
        reservation_status=reservation["status"] if reservation else None,
        reserved={line["sku"]: int(line["quantity"]) for line in reservation["items"]} if reservation else {},
    )


def stock_levels(dynamodb: Any, tables: TableNames) -> dict[str, int]:
    levels: dict[str, int] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=tables.inventory, ConsistentRead=True):
        for item in map(_plain, page["Items"]):
            if item["sk"] == "STOCK":
                levels[item["sku"]] = item["available"]
    return levels


def _scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(_plain(item) for item in page["Items"])
    return items


def _order_id_of(pk: str) -> str:
    return pk.removeprefix("ORDER#")


def idempotency_key(step: str, order_id: str) -> str:
    """The powertools record id of one (step, order): "<Step>#<md5 of the JSON order id>" (see the handlers'
    checkout_domain/idempotency.py: event_key_jmespath="order_id", key_prefix=<step>)."""
    digest = hashlib.md5(json.dumps(order_id).encode(), usedforsecurity=False).hexdigest()
    return f"{step}#{digest}"


def idempotency_record(dynamodb: Any, tables: TableNames, step: str, order_id: str) -> dict[str, Any] | None:
    """The powertools record of one (step, order), read consistently; None if the step never ran for it."""
    item = dynamodb.get_item(
        TableName=tables.idempotency, Key={"id": {"S": idempotency_key(step, order_id)}}, ConsistentRead=True
    ).get("Item")
    return _plain(item) if item else None


@dataclass(frozen=True)
class StoreState:
    """Every table of the saga, read at one moment (consistent reads, table by table)."""

    orders: dict[str, dict[str, Any]]  # order id -> order record (status, total_minor, items, created_at, ...)
    charges: dict[str, dict[str, Any]]  # order id -> its charge (the ledger holds at most one per order)
    refunds: dict[str, list[dict[str, Any]]]  # order id -> its refunds
    reservations: dict[str, dict[str, Any]]  # order id -> its reservation (status RESERVED | RELEASED, items)
    stock: dict[str, int]  # SKU -> available
    idempotency: dict[str, dict[str, Any]]  # record id ("<Step>#<md5>") -> record (status, expiration, data, ...)

    def order_ids(self) -> set[str]:
        """Every order id that left a trace in the order, payment or inventory tables."""
        return set(self.orders) | set(self.charges) | set(self.refunds) | set(self.reservations)

    def snapshot(self, order_id: str) -> OrderSnapshot:
        charge = self.charges.get(order_id)
        refunds = self.refunds.get(order_id, [])
        reservation = self.reservations.get(order_id)
        order = self.orders.get(order_id)
        return OrderSnapshot(
            order_id=order_id,
            status=order["status"] if order else None,
            charged_minor=charge["amount_minor"] if charge else 0,
            refunded_minor=sum(r["amount_minor"] for r in refunds),
            charges=1 if charge else 0,
            refunds=len(refunds),
            reservation_status=reservation["status"] if reservation else None,
            reserved={line["sku"]: int(line["quantity"]) for line in reservation["items"]} if reservation else {},
        )

    def idempotency_record(self, step: str, order_id: str) -> dict[str, Any] | None:
        return self.idempotency.get(idempotency_key(step, order_id))


def read_store(dynamodb: Any, tables: TableNames) -> StoreState:
    charges: dict[str, dict[str, Any]] = {}
    refunds: dict[str, list[dict[str, Any]]] = {}
    for entry in _scan(dynamodb, tables.payments):
        order_id = _order_id_of(entry["pk"])
        if entry["sk"] == "CHARGE":
            charges[order_id] = entry
        elif entry["sk"].startswith("REFUND#"):
            refunds.setdefault(order_id, []).append(entry)
    stock: dict[str, int] = {}
    reservations: dict[str, dict[str, Any]] = {}
    for item in _scan(dynamodb, tables.inventory):
        if item["sk"] == "STOCK":
            stock[item["sku"]] = item["available"]
        elif item["sk"] == "RESERVATION":
            reservations[_order_id_of(item["pk"])] = item
    orders = {_order_id_of(o["pk"]): o for o in _scan(dynamodb, tables.orders) if o["sk"] == "ORDER"}
    idempotency = {record["id"]: record for record in _scan(dynamodb, tables.idempotency)}
    return StoreState(orders, charges, refunds, reservations, stock, idempotency)
