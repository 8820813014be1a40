"""The orders table: one record per order, whose status moves PENDING -> CONFIRMED | FAILED only.

Item layout: pk = "ORDER#<order_id>", sk = "ORDER". The status is the saga's lock: confirming requires
PENDING/CONFIRMED and compensating requires PENDING/FAILED, each enforced by a condition on the same item, so
a compensated order can never be confirmed and a confirmed one never compensated. The payment token is never
stored.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from checkout_domain import dynamodb
from checkout_domain.errors import OrderStateConflictException
from checkout_domain.models import Order
from checkout_domain.settings import orders_table_name


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    FAILED = "FAILED"


def _key(order_id: str) -> dict[str, Any]:
    return dynamodb.to_item({"pk": f"ORDER#{order_id}", "sk": "ORDER"})


def record_pending(order: Order) -> OrderStatus:
    """Records the order as PENDING unless it is already recorded; returns its status either way."""
    now = dynamodb.now_iso()
    record = {
        "pk": f"ORDER#{order.order_id}",
        "sk": "ORDER",
        **order.model_dump(mode="json", exclude={"payment_token"}),
        "status": OrderStatus.PENDING.value,
        "created_at": now,
        "updated_at": now,
    }
    existing = dynamodb.put_if_absent(orders_table_name(), record)
    return OrderStatus.PENDING if existing is None else OrderStatus(existing["status"])


def mark_failed(order_id: str, reason: str) -> None:
    """PENDING -> FAILED, keeping the first reason. Raises OrderStateConflictException for a CONFIRMED order: it
    must not be compensated.

    An order with no record yet is recorded FAILED (with only its status and reason): a compensation can run
    before the step it undoes has recorded the order (that step outlived its task, or is a late redelivery),
    and the FAILED record is what stops that step from going ahead afterwards (record_pending returns FAILED).
    """
    try:
        dynamodb.client().update_item(
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
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if not dynamodb.is_condition_failure(exc):
            raise
        existing = dynamodb.existing_item(exc) or {}
        if existing.get("status") == OrderStatus.FAILED:
            return  # already failed (a redelivery, or the other compensation got here first)
        raise OrderStateConflictException(order_id, existing.get("status"), "mark the order FAILED") from None


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
