"""The payment provider interface, shaped like a card processor's API (Stripe, Adyen).

Like a processor, a provider deduplicates on a caller-chosen idempotency key: repeating a charge or refund
with the same key returns the first result and moves no money twice. The saga derives its keys from the
order id and the step, so a retried step always presents the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Charge:
    payment_id: str
    order_id: str
    amount_minor: int
    currency: str
    idempotency_key: str
    refunded_minor: int = 0


@dataclass(frozen=True)
class Refund:
    refund_id: str
    payment_id: str
    amount_minor: int
    currency: str
    idempotency_key: str


class CardDeclined(Exception):
    def __init__(self, decline_code: str) -> None:
        self.decline_code = decline_code
        super().__init__(f"card declined: {decline_code}")


class PaymentConflict(Exception):
    """The request contradicts an earlier one: its key was first used with other parameters (a processor
    rejects that too), or the order already has a charge made with another key. Never charge twice, never
    hand back a charge or refund of a different amount."""


class RefundExceedsCharge(Exception):
    """The refund would take the charge's refunded total above the amount charged."""


class PaymentProvider(Protocol):
    def charge(
        self, *, idempotency_key: str, order_id: str, amount_minor: int, currency: str, payment_token: str
    ) -> Charge:
        """Charges the token, or raises CardDeclined. Same key -> the same Charge, money moved once."""
        ...

    def find_charge(self, *, order_id: str) -> Charge | None:
        """The order's charge, if it has one (orders have at most one)."""
        ...

    def refund(self, *, charge: Charge, amount_minor: int, idempotency_key: str) -> Refund:
        """Refunds part or all of a charge. Same key -> the same Refund. Raises RefundExceedsCharge."""
        ...


def charge_idempotency_key(order_id: str) -> str:
    return f"{order_id}:ProcessPayment"


def refund_idempotency_key(order_id: str) -> str:
    return f"{order_id}:RefundPayment"
