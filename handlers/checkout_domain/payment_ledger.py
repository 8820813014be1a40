"""The default PaymentProvider: a payments ledger in DynamoDB that plays the card processor.

Item layout (payments table), all under the order's partition pk = "ORDER#<order_id>":
  sk = "CHARGE"                    the order's one charge: payment_id, amount_minor, currency,
                                   idempotency_key, refunded_minor (running total), created_at, updated_at
  sk = "REFUND#<idempotency_key>"  one item per refund: refund_id, payment_id, amount_minor, currency, ...
Keying the charge by order makes "at most one charge per order" a property of the table, not of the code.
The payment token is never stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError

from checkout_domain import dynamodb
from checkout_domain.card_tokens import decline_code_for
from checkout_domain.errors import TransientError
from checkout_domain.payments import (
    CardDeclined,
    Charge,
    PaymentConflict,
    PaymentProvider,
    Refund,
    RefundExceedsCharge,
)
from checkout_domain.settings import payments_table_name
from checkout_domain.transient import TRANSIENT_CANCELLATION_CODES

CHARGE_SK = "CHARGE"


def _pk(order_id: str) -> str:
    return f"ORDER#{order_id}"


class DynamoDBPaymentLedger:
    def __init__(self, table_name: str | None = None) -> None:
        self._table_name = table_name

    @property
    def table_name(self) -> str:
        return self._table_name or payments_table_name()

    def charge(
        self, *, idempotency_key: str, order_id: str, amount_minor: int, currency: str, payment_token: str
    ) -> Charge:
        decline_code = decline_code_for(payment_token)
        if decline_code:
            # Declines are not ledger entries: nothing was charged, so there is nothing to refund either.
            raise CardDeclined(decline_code)
        now = dynamodb.now_iso()
        charge = Charge(
            payment_id=f"pay_{uuid.uuid4().hex}",
            order_id=order_id,
            amount_minor=amount_minor,
            currency=currency,
            idempotency_key=idempotency_key,
        )
        record = {
            "pk": _pk(order_id),
            "sk": CHARGE_SK,
            **_charge_attributes(charge),
            "created_at": now,
            "updated_at": now,
        }
        existing = dynamodb.put_if_absent(self.table_name, record)
        return charge if existing is None else _same_charge_or_conflict(_charge_from(existing), charge)

    def find_charge(self, *, order_id: str) -> Charge | None:
        response = dynamodb.client().get_item(
            TableName=self.table_name,
            Key=dynamodb.to_item({"pk": _pk(order_id), "sk": CHARGE_SK}),
            ConsistentRead=True,  # compensation may run right after the charge was written
        )
        item = response.get("Item")
        return _charge_from(dynamodb.from_item(item)) if item else None

    def refund(self, *, charge: Charge, amount_minor: int, idempotency_key: str) -> Refund:
        if amount_minor <= 0:
            raise ValueError("a refund must be a positive amount")
        refund = Refund(
            refund_id=f"re_{uuid.uuid4().hex}",
            payment_id=charge.payment_id,
            amount_minor=amount_minor,
            currency=charge.currency,
            idempotency_key=idempotency_key,
        )
        now = dynamodb.now_iso()
        # One transaction: the refund entry exists if and only if the charge's refunded total includes it.
        # The charge's condition is what makes over-refunding impossible, even for concurrent refunds with
        # different keys: refunded_minor + amount <= amount_minor, rewritten without arithmetic (which
        # conditions do not support) using the amount_minor we read, itself pinned by the condition.
        update_charge = {
            "Update": {
                "TableName": self.table_name,
                "Key": dynamodb.to_item({"pk": _pk(charge.order_id), "sk": CHARGE_SK}),
                "UpdateExpression": "SET refunded_minor = refunded_minor + :amount, updated_at = :now",
                "ConditionExpression": "amount_minor = :charged AND refunded_minor <= :headroom",
                "ExpressionAttributeValues": dynamodb.to_values(
                    {
                        ":amount": amount_minor,
                        ":now": now,
                        ":charged": charge.amount_minor,
                        ":headroom": charge.amount_minor - amount_minor,
                    }
                ),
            }
        }
        put_refund = {
            "Put": {
                "TableName": self.table_name,
                "Item": dynamodb.to_item(
                    {
                        "pk": _pk(charge.order_id),
                        "sk": f"REFUND#{idempotency_key}",
                        **_refund_attributes(refund),
                        "order_id": charge.order_id,
                        "created_at": now,
                    }
                ),
                "ConditionExpression": "attribute_not_exists(pk)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        try:
            dynamodb.client().transact_write_items(TransactItems=[update_charge, put_refund])
        except ClientError as exc:
            charge_reason, refund_reason = dynamodb.cancellation_reasons(exc)
            if refund_reason.get("Code") == "ConditionalCheckFailed":
                return _same_refund_or_conflict(_refund_from(dynamodb.from_item(refund_reason["Item"])), refund)
            codes = {str(charge_reason.get("Code")), str(refund_reason.get("Code"))}
            if codes & TRANSIENT_CANCELLATION_CODES:
                raise TransientError(f"Refund of {charge.payment_id} was not written: {sorted(codes)}") from exc
            if charge_reason.get("Code") == "ConditionalCheckFailed":
                raise RefundExceedsCharge(
                    f"Refunding {amount_minor} would exceed what is left of charge {charge.payment_id}"
                ) from None
            raise
        return refund


def _charge_attributes(charge: Charge) -> dict[str, Any]:
    return {
        "entry_type": "CHARGE",
        "payment_id": charge.payment_id,
        "order_id": charge.order_id,
        "amount_minor": charge.amount_minor,
        "currency": charge.currency,
        "idempotency_key": charge.idempotency_key,
        "refunded_minor": charge.refunded_minor,
    }


def _refund_attributes(refund: Refund) -> dict[str, Any]:
    return {
        "entry_type": "REFUND",
        "refund_id": refund.refund_id,
        "payment_id": refund.payment_id,
        "amount_minor": refund.amount_minor,
        "currency": refund.currency,
        "idempotency_key": refund.idempotency_key,
    }


def _charge_from(item: dict[str, Any]) -> Charge:
    return Charge(
        payment_id=item["payment_id"],
        order_id=item["order_id"],
        amount_minor=item["amount_minor"],
        currency=item["currency"],
        idempotency_key=item["idempotency_key"],
        refunded_minor=item["refunded_minor"],
    )


def _refund_from(item: dict[str, Any]) -> Refund:
    return Refund(
        refund_id=item["refund_id"],
        payment_id=item["payment_id"],
        amount_minor=item["amount_minor"],
        currency=item["currency"],
        idempotency_key=item["idempotency_key"],
    )


def _same_charge_or_conflict(existing: Charge, requested: Charge) -> Charge:
    same = (existing.idempotency_key, existing.amount_minor, existing.currency) == (
        requested.idempotency_key,
        requested.amount_minor,
        requested.currency,
    )
    if not same:
        raise PaymentConflict(
            f"Order {requested.order_id} already has charge {existing.payment_id} with other parameters or key"
        )
    return existing


def _same_refund_or_conflict(existing: Refund, requested: Refund) -> Refund:
    if (existing.payment_id, existing.amount_minor) != (requested.payment_id, requested.amount_minor):
        raise PaymentConflict(f"Refund key {requested.idempotency_key} was first used with other parameters")
    return existing


def default_payment_provider() -> PaymentProvider:
    """The provider the handlers use. A real processor would be another PaymentProvider chosen here."""
    return DynamoDBPaymentLedger()
