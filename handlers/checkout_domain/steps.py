"""What the state machine passes to each step after validate_order, and what each step returns.

Every step after validation receives {"order": <normalized order>, "results": {<StepName>: <its output>}}.
The step outputs below are the fixed contract with the ASL (it reads e.g. `results.ProcessPayment.payment_id`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checkout_domain.models import Order

# The ASL may add its own keys next to order/results (e.g. a caught error); steps ignore what they do not use.
_LENIENT = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class StepRequest(BaseModel):
    """Input of every side-effecting step. `results` is not needed by most steps: they find their own earlier
    effects by order id, which also works when the step that produced them failed with an unknown outcome."""

    model_config = _LENIENT

    order: Order
    results: dict[str, Any] = Field(default_factory=dict)


class ReservedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: int


class PaymentResult(BaseModel):
    model_config = _LENIENT

    payment_id: str
    amount_minor: int
    currency: str
    status: Literal["CHARGED"] = "CHARGED"


class ReservationResult(BaseModel):
    model_config = _LENIENT

    reservation_id: str
    items: list[ReservedItem]
    status: Literal["RESERVED"] = "RESERVED"


class ReleaseResult(BaseModel):
    status: Literal["RELEASED", "NOTHING_TO_RELEASE"]
    reservation_id: str | None = None
    items: list[ReservedItem] | None = None


class RefundResult(BaseModel):
    status: Literal["REFUNDED", "NOTHING_TO_REFUND"]
    refund_id: str | None = None
    amount_minor: int | None = None


class ConfirmationResult(BaseModel):
    """The saga's success output."""

    order_id: str
    status: Literal["CONFIRMED"] = "CONFIRMED"
    confirmation_id: str
    payment_id: str
    reservation_id: str


class CompletedSteps(BaseModel):
    model_config = _LENIENT

    process_payment: PaymentResult = Field(alias="ProcessPayment")
    reserve_inventory: ReservationResult = Field(alias="ReserveInventory")


class ConfirmRequest(BaseModel):
    """confirm_order is the pivot: it only runs after both earlier steps succeeded, and echoes their ids."""

    model_config = _LENIENT

    order: Order
    results: CompletedSteps
