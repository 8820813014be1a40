"""The orders table: one record per order, whose status moves PENDING -> CONFIRMED | FAILED only.

Item layout: pk = "ORDER#<order_id>", sk = "ORDER". The status is the saga's lock: confirming requires
PENDING/CONFIRMED and compensating requires PENDING/FAILED, each enforced by a condition on the same item, so
a compensated order can never be confirmed and a confirmed one never compensated. The payment token is never
stored.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from checkout_domain import dynamodb
from checkout_domain.errors import OrderStateConflictException
from checkout_domain.models import Order
from checkout_domain.settings import orders_table_name

# Lambda hosts keep their clocks in step (NTP): a second's margin covers what separates two of them.
CLOCK_SKEW_MS = 1000


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    FAILED = "FAILED"


def _key(order_id: str) -> dict[str, Any]:
    return dynamodb.to_item({"pk": f"ORDER#{order_id}", "sk": "ORDER"})


def record_pending(order: Order, charging_until_ms: int) -> OrderStatus:
    """Records the order as PENDING unless it is already recorded; returns its status either way.

    `charging_until_ms` (epoch ms) is the deadline of the ProcessPayment attempt about to charge: it may still make
    a charge until then, and RefundPayment, finding no charge, waits that long before concluding there is none.
    A retry of a PENDING order moves that deadline on to its own.
    """
    now = dynamodb.now_iso()
    record = {
        "pk": f"ORDER#{order.order_id}",
        "sk": "ORDER",
        **{name: value for name, value in order.to_json().items() if name != "payment_token"},
        "status": OrderStatus.PENDING.value,
        "charging_until_ms": charging_until_ms,
        "created_at": now,
        "updated_at": now,
    }
    existing = dynamodb.put_if_absent(orders_table_name(), record)
    if existing is None:
        return OrderStatus.PENDING
    status = OrderStatus(existing["status"])
    return _extend_charging(order.order_id, charging_until_ms) if status is OrderStatus.PENDING else status


def _extend_charging(order_id: str, charging_until_ms: int) -> OrderStatus:
    """Moves a PENDING order's charging deadline on (never back); returns the status found."""
    try:
        dynamodb.client().update_item(
            TableName=orders_table_name(),
            Key=_key(order_id),
            UpdateExpression="SET charging_until_ms = :until",
            ConditionExpression=(
                "#status = :pending AND (attribute_not_exists(charging_until_ms) OR charging_until_ms < :until)"
            ),
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=dynamodb.to_values(
                {":until": charging_until_ms, ":pending": OrderStatus.PENDING.value}
            ),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if not dynamodb.is_condition_failure(exc):
            raise
        existing = dynamodb.existing_item(exc) or {}
        return OrderStatus(existing["status"])  # PENDING with a later deadline, or FAILED/CONFIRMED meanwhile
    return OrderStatus.PENDING


def charge_may_still_land(charging_until_ms: int | None) -> bool:
    """Whether a ProcessPayment attempt may still be charging (its Lambda has not reached its deadline)."""
    return charging_until_ms is not None and charging_until_ms + CLOCK_SKEW_MS > now_ms()


def now_ms() -> int:
    return int(time.time() * 1000)


def mark_failed(order_id: str, reason: str) -> int | None:
    """PENDING -> FAILED, keeping the first reason. Raises OrderStateConflictException for a CONFIRMED order: it
    must not be compensated. Returns the order's charging deadline (see record_pending), None if it has none.

    An order with no record yet is recorded FAILED (with only its status and reason): a compensation can run
    before the step it undoes has recorded the order (that step outlived its task, or is a late redelivery),
    and the FAILED record is what stops that step from going ahead afterwards (record_pending returns FAILED).
    """
    try:
        response = dynamodb.client().update_item(
            TableName=orders_table_name(),
            Key=_key(order_id),
            UpdateExpression=(
                "SET #status = :failed, failure_reason = :reason, updated_at = :now,"
                " created_at = if_not_exists(created_at, :now)"
            ),
            ConditionExpression="attribute_not_exists(pk) OR #status = :pending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=dynamodb.to_values(
                {
                    ":failed": OrderStatus.FAILED.value,
                    ":pending": OrderStatus.PENDING.value,
                    ":reason": reason,
                    ":now": dynamodb.now_iso(),
                }
            ),
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if not dynamodb.is_condition_failure(exc):
            raise
        existing = dynamodb.existing_item(exc) or {}
        if existing.get("status") == OrderStatus.FAILED:
            # already failed (a redelivery, or the other compensation got here first)
            return _charging_until(existing)
        raise OrderStateConflictException(order_id, existing.get("status"), "mark the order FAILED") from None
    return _charging_until(dynamodb.from_item(response["Attributes"]))


def _charging_until(item: dict[str, Any]) -> int | None:
    until = item.get("charging_until_ms")
    return None if until is None else int(until)


def status_of(order_id: str) -> OrderStatus | None:
    """The order's current status (a consistent read), None when it is not recorded."""
    response = dynamodb.client().get_item(
        TableName=orders_table_name(),
        Key=_key(order_id),
        ProjectionExpression="#status",
        ExpressionAttributeNames={"#status": "status"},
        ConsistentRead=True,
    )
    item = response.get("Item")
    return OrderStatus(dynamodb.from_item(item)["status"]) if item else None


def confirm(order_id: str, payment_id: str, reservation_id: str) -> str:
    """PENDING/CONFIRMED -> CONFIRMED. Returns the confirmation id, the same one on every repeat."""
    try:
        response = dynamodb.client().update_item(
            TableName=orders_table_name(),
            Key=_key(order_id),
            UpdateExpression=(
                "SET #status = :confirmed, updated_at = :now, payment_id = :payment_id,"
                " reservation_id = :reservation_id,"
                " confirmation_id = if_not_exists(confirmation_id, :confirmation_id),"
                " confirmed_at = if_not_exists(confirmed_at, :now)"
            ),
            ConditionExpression="#status IN (:pending, :confirmed)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=dynamodb.to_values(
                {
                    ":confirmed": OrderStatus.CONFIRMED.value,
                    ":pending": OrderStatus.PENDING.value,
                    ":now": dynamodb.now_iso(),
                    ":payment_id": payment_id,
                    ":reservation_id": reservation_id,
                    ":confirmation_id": f"conf_{uuid.uuid4().hex}",
                }
            ),
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if not dynamodb.is_condition_failure(exc):
            raise
        existing = dynamodb.existing_item(exc)
        status = existing["status"] if existing else None
        raise OrderStateConflictException(order_id, status, "confirm the order") from None
    return str(dynamodb.from_item(response["Attributes"])["confirmation_id"])
