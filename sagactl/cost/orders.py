"""Orders for each saga path, unique per call, on SKUs of the measurement run's own.

Each run stocks SKUs named after it (``RunSkus``), so its stock is its own whatever else the stack holds.
Where the stack refuses plaintext payment tokens (prod), the token is sealed here, before any clock starts,
as the checkout backend does (devstack.domain.seal_payment_token, under the stack's key).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from devstack.domain import seal_payment_token
from sagactl.cost.invoke import function_configuration

if TYPE_CHECKING:  # deploying loads the Pulumi SDK: a measurement is given its stack
    from devstack.stack import LocalStack

HAPPY_TOKEN = "tok_visa"
DECLINED_TOKEN = "tok_chargeDeclined"
RUN_STOCK = 10_000_000


class SagaPath(StrEnum):
    HAPPY = "happy"
    OUT_OF_STOCK = "out_of_stock"
    DECLINED = "declined"
    INVALID = "invalid"


# Where each path ends, as the saga reports it (execution status, error).
EXPECTED_OUTCOME = {
    SagaPath.HAPPY: ("SUCCEEDED", None),
    SagaPath.OUT_OF_STOCK: ("FAILED", "OutOfStock"),
    SagaPath.DECLINED: ("FAILED", "PaymentDeclined"),
    SagaPath.INVALID: ("FAILED", "OrderInvalid"),
}


@dataclass(frozen=True)
class RunSkus:
    """The SKUs of one measurement run: two in plenty (the happy path's) and one empty (out of stock)."""

    run_id: str

    @classmethod
    def stocked_on(cls, stack: LocalStack) -> RunSkus:
        """A new run's SKUs, stocked on ``stack``."""
        skus = cls(uuid.uuid4().hex[:6].upper())
        stack.seed_stock([{"sku": sku, "stock": RUN_STOCK} for sku in skus.happy] + [{"sku": skus.empty, "stock": 0}])
        return skus

    @property
    def happy(self) -> tuple[str, str]:
        return f"RUN-{self.run_id}-MOUSE", f"RUN-{self.run_id}-HUB"

    @property
    def empty(self) -> str:
        return f"RUN-{self.run_id}-EMPTY"


class OrderFactory:
    def __init__(self, stack: LocalStack, skus: RunSkus) -> None:
        self._stack = stack
        self.skus = skus
        environment = function_configuration(stack, "validate_order").get("Environment", {}).get("Variables", {})
        self._seal = environment.get("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", "true").lower() != "true"

    def order(self, path: SagaPath) -> dict[str, Any]:
        order_id = f"bench-{path.value.replace('_', '-')}-{uuid.uuid4().hex[:12]}"
        if path is SagaPath.INVALID:
            # Several fields wrong at once (a bad currency, an empty customer, a negative price).
            return {"order_id": order_id, "customer_id": "", "currency": "EURO", "payment_token": HAPPY_TOKEN,
                    "items": [{"sku": self.skus.happy[0], "quantity": 0, "unit_price_minor": -5}]}
        mouse, hub = self.skus.happy
        sku = self.skus.empty if path is SagaPath.OUT_OF_STOCK else mouse
        token = DECLINED_TOKEN if path is SagaPath.DECLINED else HAPPY_TOKEN
        order = {
            "order_id": order_id,
            "customer_id": "cus-bench",
            "currency": "EUR",
            "payment_token": token,
            "items": [{"sku": sku, "quantity": 1, "unit_price_minor": 4999},
                      {"sku": hub, "quantity": 2, "unit_price_minor": 2599}],
        }
        if path is SagaPath.OUT_OF_STOCK:
            order["items"] = order["items"][:1]
        if self._seal:
            key_arn = str(self._stack.outputs["paymentTokenKeyArn"])
            order["payment_token"] = seal_payment_token(token, order_id, key_arn, self._stack.client_environment())
        return order

    def orders(self, path: SagaPath, count: int) -> list[dict[str, Any]]:
        return [self.order(path) for _ in range(count)]
