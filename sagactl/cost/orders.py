"""Orders for each saga path, unique per call, in the form the deployed stack accepts.

Where the stack refuses plaintext payment tokens (prod), the token is sealed here, before any clock starts,
as the checkout backend does (checkout_domain.payment_token_seal.seal, under the stack's key).
"""

from __future__ import annotations

import os
import sys
import uuid
from enum import StrEnum
from typing import Any

from sagactl.cost.deployed_stack import HANDLERS_DIR, DeployedStack

HAPPY_TOKEN = "tok_visa"
DECLINED_TOKEN = "tok_chargeDeclined"


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


class OrderFactory:
    def __init__(self, stack: DeployedStack) -> None:
        self._stack = stack
        environment = stack.function_configuration("validate_order").get("Environment", {}).get("Variables", {})
        self._seal = environment.get("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", "true").lower() != "true"

    def order(self, path: SagaPath) -> dict[str, Any]:
        order_id = f"bench-{path.value.replace('_', '-')}-{uuid.uuid4().hex[:12]}"
        if path is SagaPath.INVALID:
            # Several fields wrong at once (a bad currency, an empty customer, a negative price).
            return {"order_id": order_id, "customer_id": "", "currency": "EURO", "payment_token": HAPPY_TOKEN,
                    "items": [{"sku": self._stack.happy_skus[0], "quantity": 0, "unit_price_minor": -5}]}
        mouse, hub = self._stack.happy_skus
        sku = self._stack.empty_sku if path is SagaPath.OUT_OF_STOCK else mouse
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
            order["payment_token"] = self._sealed(token, order_id)
        return order

    def orders(self, path: SagaPath, count: int) -> list[dict[str, Any]]:
        return [self.order(path) for _ in range(count)]

    def _sealed(self, token: str, order_id: str) -> str:
        if str(HANDLERS_DIR) not in sys.path:
            sys.path.append(str(HANDLERS_DIR))
        # seal() uses the handlers' default clients, which read the endpoint from the environment: this
        # process talks to one emulator at a time, the one this factory's stack runs on.
        os.environ.update(self._stack.client_environment())
        from checkout_domain.payment_token_seal import seal

        return str(seal(token, order_id, str(self._stack.outputs["paymentTokenKeyArn"])))
