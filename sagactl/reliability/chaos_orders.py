"""The orders a chaos run submits: a seeded mix of every saga path, on SKUs of its own, plus redeliveries.

Each run stocks SKUs named after it, so stock conservation is exact whatever else the stack holds:
plenty of stock (happy paths), one scarce SKU (orders race for the last units; the losers are OutOfStock after
being charged and refunded), one empty SKU (OutOfStock), declined tokens (PaymentDeclined) and invalid orders
(OrderInvalid). Redeliveries repeat an order under the same execution name or under new names, the way a
client that retries StartExecution would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DECLINED_TOKENS = ("tok_chargeDeclined", "tok_chargeDeclinedInsufficientFunds", "tok_chargeDeclinedExpiredCard")
CURRENCIES = ("EUR", "USD", "GBP", "JPY")


class OrderKind(StrEnum):
    HAPPY = "happy"
    CONTENDED = "contended"  # wants the scarce SKU: succeeds while it lasts, OutOfStock after
    OUT_OF_STOCK = "out_of_stock"
    DECLINED = "declined"
    INVALID = "invalid"


# Shares of the mix: mostly checkouts that should succeed, every failure path well represented.
KIND_WEIGHTS = {
    OrderKind.HAPPY: 0.62,
    OrderKind.CONTENDED: 0.15,
    OrderKind.OUT_OF_STOCK: 0.08,
    OrderKind.DECLINED: 0.10,
    OrderKind.INVALID: 0.05,
}


@dataclass(frozen=True)
class Submission:
    """One StartExecution call: `name` is the execution name (the order id for a first delivery)."""

    order: dict[str, Any]
    name: str
    kind: OrderKind
    redelivery: str | None = None  # None (first delivery), "same-name" or "new-name"


@dataclass(frozen=True)
class ChaosOrders:
    skus: dict[str, int]  # SKU -> stock to seed
    submissions: list[Submission]
    kinds: dict[str, int] = field(default_factory=dict)  # order kind -> orders (first deliveries)

    @property
    def redeliveries(self) -> int:
        return sum(1 for s in self.submissions if s.redelivery)


def order_prefix(run_id: str) -> str:
    """Every order of a chaos run has an id starting with this: its effects are the run's to account for."""
    return f"cx-{run_id}-"


def build_orders(run_id: str, sagas: int, seed: int, redelivery_share: float) -> ChaosOrders:
    """`sagas` orders (first deliveries); `redelivery_share` of them delivered 1-3 more times."""
    rng = random.Random(seed)
    plenty = [f"CX-{run_id}-{letter}" for letter in "ABC"]
    scarce, empty = f"CX-{run_id}-SCARCE", f"CX-{run_id}-EMPTY"
    skus = {sku: sagas * 10 for sku in plenty} | {scarce: max(3, sagas // 8), empty: 0}
    first: list[Submission] = []
    kinds: dict[str, int] = {}
    for index in range(sagas):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        kinds[kind.value] = kinds.get(kind.value, 0) + 1
        order = _order(rng, f"{order_prefix(run_id)}{index:05d}", kind, plenty, scarce, empty)
        first.append(Submission(order, order["order_id"], kind))
    submissions = list(first)
    for original in first:
        if original.kind is OrderKind.INVALID or rng.random() >= redelivery_share:
            continue
        for attempt in range(rng.randint(1, 3)):
            same_name = rng.random() < 0.5
            name = original.name if same_name else f"{original.name}-re{attempt}"
            how = "same-name" if same_name else "new-name"
            submissions.append(Submission(original.order, name, original.kind, how))
    rng.shuffle(submissions)
    return ChaosOrders(skus, submissions, kinds)


def _order(
    rng: random.Random, order_id: str, kind: OrderKind, plenty: list[str], scarce: str, empty: str
) -> dict[str, Any]:
    lines = [_line(rng, sku) for sku in rng.sample(plenty, rng.randint(1, len(plenty)))]
    if kind is OrderKind.CONTENDED:
        lines = [{"sku": scarce, "quantity": rng.randint(1, 2), "unit_price_minor": rng.randint(100, 90_000)}]
    elif kind is OrderKind.OUT_OF_STOCK:
        lines.append(_line(rng, empty))
    elif kind is OrderKind.INVALID:
        lines[0]["quantity"] = rng.choice([0, -1, 1001])
    token = rng.choice(DECLINED_TOKENS) if kind is OrderKind.DECLINED else "tok_visa"
    return {
        "order_id": order_id,
        "customer_id": f"cus-{rng.randint(1, 500)}",
        "currency": rng.choice(CURRENCIES),
        "payment_token": token,
        "items": lines,
    }


def _line(rng: random.Random, sku: str) -> dict[str, Any]:
    return {"sku": sku, "quantity": rng.randint(1, 3), "unit_price_minor": rng.randint(100, 90_000)}
