"""Errors the state machine matches by name.

Lambda reports an uncaught exception's class name as the task's error name, so these class names ARE the
ASL error names (Retry/Catch ErrorEquals). Renaming one is a breaking change to the state machine.
Messages never contain the payment token, and are short enough for a Step Functions `Cause`.
"""

from __future__ import annotations

import json
from typing import TypedDict


class FieldError(TypedDict):
    field: str
    message: str


class InvalidOrderException(Exception):
    """The order (or a step's input) is invalid. Not retryable.

    The message is a JSON array of {"field": "items.0.quantity", "message": "..."}, so that a client of the
    Express workflow can show every problem at once.
    """

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(json.dumps(errors))


class PaymentDeclinedException(Exception):
    """The payment provider declined the charge. Not retryable: the customer has to pay another way."""

    def __init__(self, order_id: str, decline_code: str) -> None:
        self.order_id = order_id
        self.decline_code = decline_code
        super().__init__(f"Payment for order {order_id} was declined ({decline_code})")


class InventoryDepletedException(Exception):
    """At least one SKU of the order is unknown or has less stock than ordered. Nothing was reserved."""

    def __init__(self, order_id: str, skus: list[str]) -> None:
        self.order_id = order_id
        self.skus = skus
        super().__init__(f"Not enough stock to reserve order {order_id}: {', '.join(skus)}")


class TransientError(Exception):
    """Infrastructure trouble (throttling, a transaction conflict, a dropped connection). Retry the step:
    every step is idempotent."""


class OrderStateConflictException(Exception):
    """The order's status forbids the step: confirming a FAILED order, compensating a CONFIRMED one, charging
    again after the saga failed. Not part of the saga's happy or compensation paths; retrying cannot help."""

    def __init__(self, order_id: str, status: str | None, action: str) -> None:
        self.order_id = order_id
        self.status = status
        state = f"is {status}" if status else "does not exist"
        super().__init__(f"Cannot {action}: order {order_id} {state}")
