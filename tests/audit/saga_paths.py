"""The saga paths the audit trail is checked on, as scripts for `moto_saga.SagaWorld`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.audit.moto_saga import Raise


@dataclass(frozen=True)
class SagaPath:
    order_id: str
    script: Mapping[str, list[Any]]


HAPPY = SagaPath(
    "ord-happy",
    # A transient failure retried once: a happy path may still show a retry.
    {"process_payment": [Raise("TransientError", "payment gateway timed out")]},
)
DECLINED = SagaPath("ord-declined", {"process_payment": [Raise("PaymentDeclinedException", "card declined")]})
OUT_OF_STOCK = SagaPath(
    "ord-out-of-stock",
    {
        "reserve_inventory": [
            Raise("TransientError", "inventory table throttled"),
            Raise("InventoryDepletedException", "KB-MECH-01 is out of stock (requested 1, available 0)"),
        ]
    },
)
INVALID = SagaPath("ord-invalid", {"validate_order": [Raise("InvalidOrderException", '[{"field": "currency"}]')]})
# The pivot fails on every attempt; the release succeeds; the refund fails on every attempt: escalated.
ESCALATED = SagaPath(
    "ord-escalated",
    {
        "confirm_order": [Raise("OrderServiceUnavailable", "orders API down")] * 3,
        "refund_payment": [Raise("RefundRejected", "payment provider refused the refund")] * 3,
    },
)
ALL_PATHS = (HAPPY, DECLINED, OUT_OF_STOCK, INVALID, ESCALATED)
