"""The saga's input as a client sends it (`OrderInput`), checked at the public boundary: validate_order only.

pydantic names every problem of an untrusted order at once, with its place; the rules themselves are the domain
order's (models), applied here to the client's fields, and `normalized` builds that `Order`. The steps after
validation never import this module, nor pydantic (see models).

An `OrderInput` may carry a plaintext token, which validate_order seals or rejects depending on the stack. A
repeated `total_minor` is accepted only if it is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from checkout_domain.models import (
    MAX_CUSTOMER_ID_LENGTH,
    MAX_ITEMS_PER_ORDER,
    MAX_QUANTITY,
    MAX_UNIT_PRICE_MINOR,
    ORDER_ID_PATTERN,
    SKU_PATTERN,
    Order,
    OrderItem,
    card_number_problem,
    currency_problem,
    customer_id_problem,
    repeated_sku_problem,
    total_of,
    total_problem,
)
from checkout_domain.payment_token_seal import MAX_SEALED_LENGTH, looks_sealed, processor_token_problem


def _rule(error_type: str, problem_of: Callable[[str], str | None]) -> AfterValidator:
    """A domain rule as a pydantic validator (messages never quote the value)."""

    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise PydanticCustomError(error_type, problem)
        return value

    return AfterValidator(check)


def _payment_token_problem(value: str) -> str | None:
    """A sealed token, or a processor's plaintext token (whether it is accepted is the stack's decision)."""
    return None if looks_sealed(value) else processor_token_problem(value)


OrderId = Annotated[str, StringConstraints(pattern=ORDER_ID_PATTERN), _rule("card_number", card_number_problem)]
Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN), _rule("card_number", card_number_problem)]
CustomerId = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_CUSTOMER_ID_LENGTH), _rule("customer_id", customer_id_problem)
]
PaymentToken = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_SEALED_LENGTH), _rule("payment_token", _payment_token_problem)
]
Currency = Annotated[str, _rule("currency", currency_problem)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
UnitPriceMinor = Annotated[int, Field(gt=0, le=MAX_UNIT_PRICE_MINOR)]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class OrderItemInput(BaseModel):
    model_config = _STRICT

    sku: Sku
    quantity: Quantity
    unit_price_minor: UnitPriceMinor


class OrderInput(BaseModel):
    """The execution input of both workflows, before validate_order normalizes it."""

    model_config = _STRICT

    order_id: OrderId
    customer_id: CustomerId
    currency: Currency
    items: Annotated[list[OrderItemInput], Field(min_length=1, max_length=MAX_ITEMS_PER_ORDER)]
    # repr=False keeps the token out of str()/repr() of the model, should one ever reach a log line.
    payment_token: PaymentToken = Field(repr=False)
    total_minor: int | None = None

    @field_validator("items")
    @classmethod
    def _one_line_per_sku(cls, items: list[OrderItemInput]) -> list[OrderItemInput]:
        problem = repeated_sku_problem([item.sku for item in items])
        if problem:
            raise PydanticCustomError("duplicate_sku", problem)
        return items

    @field_validator("total_minor")
    @classmethod
    def _total_matches_items(cls, total_minor: int | None, info: ValidationInfo) -> int | None:
        items: list[OrderItemInput] | None = info.data.get("items")  # absent when the items were invalid
        problem = total_problem(total_minor, items) if total_minor is not None and items is not None else None
        if problem:
            raise PydanticCustomError("total_mismatch", problem)
        return total_minor

    @property
    def payment_token_is_sealed(self) -> bool:
        return looks_sealed(self.payment_token)

    def normalized(self, sealed_payment_token: str) -> Order:
        items = tuple(OrderItem(item.sku, item.quantity, item.unit_price_minor) for item in self.items)
        return Order(
            order_id=self.order_id,
            customer_id=self.customer_id,
            currency=self.currency,
            items=items,
            payment_token=sealed_payment_token,
            total_minor=total_of(items),
        )
