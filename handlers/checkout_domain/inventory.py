"""The inventory table: stock per SKU and at most one reservation per order.

Item layout:
  pk = "SKU#<sku>",        sk = "STOCK"        sku, available (integer, never negative), updated_at
  pk = "ORDER#<order_id>", sk = "RESERVATION"  reservation_id, order_id, items [{sku, quantity}],
                                               status RESERVED | RELEASED, created_at, released_at
                                               (items empty: released before anything was reserved)

Reserving and releasing are each one TransactWriteItems over every SKU of the order plus the reservation
record, so stock moves all-or-nothing and exactly once: the reservation record's condition (absent to reserve,
RESERVED to release) is what a repeated or concurrent call trips over.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from checkout_domain import dynamodb
from checkout_domain.errors import InventoryDepletedException, OrderStateConflictException, TransientError
from checkout_domain.models import Order, sku_problem
from checkout_domain.settings import inventory_table_name
from checkout_domain.transient import TRANSIENT_CANCELLATION_CODES

RESERVED = "RESERVED"
RELEASED = "RELEASED"


@dataclass(frozen=True)
class ReservedLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    order_id: str
    items: tuple[ReservedLine, ...]
    status: str


def _stock_key(sku: str) -> dict[str, Any]:
    return dynamodb.to_item({"pk": f"SKU#{sku}", "sk": "STOCK"})


def _reservation_key(order_id: str) -> dict[str, Any]:
    return dynamodb.to_item({"pk": f"ORDER#{order_id}", "sk": "RESERVATION"})


def reserve(order: Order) -> Reservation:
    """Takes every line of the order out of stock, or nothing. Raises InventoryDepletedException naming the
    SKUs that are unknown or short. Reserving an order that is already reserved returns that reservation."""
    table_name = inventory_table_name()
    now = dynamodb.now_iso()
    reservation = Reservation(
        reservation_id=f"res_{uuid.uuid4().hex}",
        order_id=order.order_id,
        items=tuple(ReservedLine(item.sku, item.quantity) for item in order.items),
        status=RESERVED,
    )
    take_stock = [
        {
            "Update": {
                "TableName": table_name,
                "Key": _stock_key(line.sku),
                "UpdateExpression": "SET available = available - :quantity, updated_at = :now",
                # The guard that keeps stock from going negative, evaluated by DynamoDB at write time, so two
                # orders racing for the last unit cannot both pass. A missing SKU fails it too.
                "ConditionExpression": "available >= :quantity",
                "ExpressionAttributeValues": dynamodb.to_values({":quantity": line.quantity, ":now": now}),
            }
        }
        for line in reservation.items
    ]
    record_reservation = {
        "Put": {
            "TableName": table_name,
            "Item": dynamodb.to_item({**_reservation_attributes(reservation), "created_at": now}),
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    try:
        dynamodb.client().transact_write_items(TransactItems=[*take_stock, record_reservation])
    except ClientError as exc:
        *stock_reasons, reservation_reason = dynamodb.cancellation_reasons(exc)
        if reservation_reason.get("Code") == "ConditionalCheckFailed":
            return _existing_reservation(order.order_id, reservation_reason["Item"])
        _raise_if_transient(exc, [*stock_reasons, reservation_reason])
        short = [line.sku for line, reason in zip(reservation.items, stock_reasons, strict=True) if _failed(reason)]
        if short:
            raise InventoryDepletedException(order.order_id, short) from None
        raise
    return reservation


def release(order_id: str) -> Reservation | None:
    """Puts the order's reserved quantities back exactly once and marks the reservation RELEASED.

    Returns None when the order has no reservation (or only the record of having had none). It then writes a
    RELEASED reservation holding nothing: a ReserveInventory that runs after the rollback (a redelivery of the
    order, or a step that outlived its task) finds it and refuses, instead of holding stock for an order the
    saga already rolled back, which no compensation would ever release.
    """
    table_name = inventory_table_name()
    response = dynamodb.client().get_item(TableName=table_name, Key=_reservation_key(order_id), ConsistentRead=True)
    item = dynamodb.from_item(response["Item"]) if "Item" in response else _close_to_reservations(table_name, order_id)
    if item is None:
        return None
    reservation = _reservation_from(item)
    if not reservation.items:
        return None
    if reservation.status == RELEASED:
        return reservation
    now = dynamodb.now_iso()
    put_back = [
        {
            "Update": {
                "TableName": table_name,
                "Key": _stock_key(line.sku),
                # No condition: a compensation must not get stuck. if_not_exists re-creates a SKU deleted since.
                "UpdateExpression": "SET available = if_not_exists(available, :zero) + :quantity, updated_at = :now",
                "ExpressionAttributeValues": dynamodb.to_values({":zero": 0, ":quantity": line.quantity, ":now": now}),
            }
        }
        for line in reservation.items
    ]
    mark_released = {
        "Update": {
            "TableName": table_name,
            "Key": _reservation_key(order_id),
            "UpdateExpression": "SET #status = :released, released_at = :now",
            "ConditionExpression": "#status = :reserved",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": dynamodb.to_values(
                {":released": RELEASED, ":reserved": RESERVED, ":now": now}
            ),
        }
    }
    try:
        dynamodb.client().transact_write_items(TransactItems=[*put_back, mark_released])
    except ClientError as exc:
        reasons = dynamodb.cancellation_reasons(exc)
        if not _failed(reasons[-1]):
            _raise_if_transient(exc, reasons)
            raise
        # Released by a concurrent call between our read and our write: the stock went back once, there.
    return replace(reservation, status=RELEASED)


def _close_to_reservations(table_name: str, order_id: str) -> dict[str, Any] | None:
    """Records that the order was released before it reserved anything. Returns None when that record was
    written, or the reservation that a concurrent ReserveInventory wrote first (to be released instead)."""
    now = dynamodb.now_iso()
    nothing_held = Reservation(f"res_{uuid.uuid4().hex}", order_id, items=(), status=RELEASED)
    record = {**_reservation_attributes(nothing_held), "created_at": now, "released_at": now}
    return dynamodb.put_if_absent(table_name, record)


@dataclass(frozen=True)
class StockLevel:
    """One entry of a stock fixture: {"sku": "KB-MECH-01", "stock": 25}."""

    sku: str
    stock: int

    @classmethod
    def from_json(cls, entry: object, index: int) -> StockLevel:
        if not isinstance(entry, Mapping) or set(entry) != {"sku", "stock"}:
            raise ValueError(f'stock fixture entry {index} must be {{"sku": ..., "stock": ...}}')
        sku, stock = entry["sku"], entry["stock"]
        problem = sku_problem(sku) if isinstance(sku, str) else "must be a string"
        if problem:
            raise ValueError(f"stock fixture entry {index}: sku {problem}")
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            raise ValueError(f"stock fixture entry {index}: stock must be a whole number, 0 or more")
        return cls(sku, stock)


def seed_stock(table_name: str, items: Iterable[Mapping[str, Any]], client: Any = None) -> int:
    """Sets the available stock of each SKU (overwriting what is there); returns how many were written.

    For fixtures, the emulator and tests: `seed_stock(name, json.load(open("stock.json")))` with a JSON list
    of {"sku": ..., "stock": ...}. Validates the whole list before writing anything. `client` defaults to
    this module's DynamoDB client (which honours AWS_ENDPOINT_URL).
    """
    levels = [StockLevel.from_json(item, index) for index, item in enumerate(items)]
    skus = [level.sku for level in levels]
    if len(set(skus)) != len(skus):
        raise ValueError("each SKU may appear only once in a stock fixture")
    client = client or dynamodb.client()
    now = dynamodb.now_iso()
    for level in levels:
        client.put_item(
            TableName=table_name,
            Item=dynamodb.to_item(
                {"pk": f"SKU#{level.sku}", "sk": "STOCK", "sku": level.sku, "available": level.stock, "updated_at": now}
            ),
        )
    return len(levels)


def _failed(reason: Mapping[str, Any]) -> bool:
    return reason.get("Code") == "ConditionalCheckFailed"


def _raise_if_transient(exc: ClientError, reasons: list[dict[str, Any]]) -> None:
    codes = {str(reason.get("Code")) for reason in reasons}
    if codes & TRANSIENT_CANCELLATION_CODES:
        raise TransientError(f"Inventory transaction was cancelled: {sorted(codes)}") from exc


def _existing_reservation(order_id: str, item: dict[str, Any]) -> Reservation:
    existing = _reservation_from(dynamodb.from_item(item))
    if existing.status == RELEASED:
        # Reserving after the compensation released the stock would leave goods held for a failed order.
        raise OrderStateConflictException(order_id, "rolled back (its reservation was released)", "reserve inventory")
    return existing


def _reservation_attributes(reservation: Reservation) -> dict[str, Any]:
    return {
        "pk": f"ORDER#{reservation.order_id}",
        "sk": "RESERVATION",
        "reservation_id": reservation.reservation_id,
        "order_id": reservation.order_id,
        "items": [{"sku": line.sku, "quantity": line.quantity} for line in reservation.items],
        "status": reservation.status,
    }


def _reservation_from(item: dict[str, Any]) -> Reservation:
    return Reservation(
        reservation_id=item["reservation_id"],
        order_id=item["order_id"],
        items=tuple(ReservedLine(line["sku"], line["quantity"]) for line in item["items"]),
        status=item["status"],
    )
