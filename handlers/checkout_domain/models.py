"""The order: the saga's input (`OrderInput`, as a client sends it) and the normalized `Order` every later step
receives and re-validates.

Models are strict and reject unknown fields: the Express workflow is the public boundary, and silently
dropping a misspelt field ("quantitiy") or coercing `true`/`1.0`/`"2"` into a quantity would charge the
customer for something they did not mean. A repeated `total_minor` is accepted only if it is right.

`payment_token` is sealed (see payment_token_seal) in every `Order`; an `OrderInput` may carry a plaintext token
too, which validate_order seals or rejects depending on the stack. Card numbers are refused in every field:
they would otherwise travel into execution histories, logs and tables.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from checkout_domain.card_numbers import contains_card_number
from checkout_domain.currencies import ISO_4217_CURRENCIES
from checkout_domain.payment_token_seal import MAX_SEALED_LENGTH, looks_sealed, processor_token_problem

# DynamoDB's TransactWriteItems takes at most 100 actions, and reserving (or releasing) an order writes one
# stock item per SKU plus the reservation record, all in one transaction.
MAX_ITEMS_PER_ORDER = 99
MAX_QUANTITY = 1000
# 1,000,000.00 in a two-decimal currency. With the other bounds, a total stays far below 2**53, so it is exact
# in every JSON parser (Step Functions, JavaScript clients).
MAX_UNIT_PRICE_MINOR = 100_000_000
# The order id doubles as the Standard execution name (max 80 characters) and as part of DynamoDB keys.
ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _has_control_characters(value: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in value)


def _no_card_number(value: str) -> str:
    # Messages never quote the value: it may be a card number.
    if contains_card_number(value):
        raise PydanticCustomError("card_number", "must not contain a card number")
    return value


def _check_customer_id(value: str) -> str:
    if not value.strip() or _has_control_characters(value):
        raise PydanticCustomError("customer_id", "must not be blank or contain control characters")
    return _no_card_number(value)


def _check_payment_token(value: str) -> str:
    """A sealed token, or a processor's plaintext token (whether it is accepted is the stack's decision)."""
    # The messages never quote the value: this field is a secret.
    problem = None if looks_sealed(value) else processor_token_problem(value)
    if problem:
        raise PydanticCustomError("payment_token", problem)
    return value


def _check_sealed_payment_token(value: str) -> str:
    if not looks_sealed(value):
        raise PydanticCustomError("payment_token", "must be a sealed payment token")
    return value


def _check_currency(value: str) -> str:
    if value not in ISO_4217_CURRENCIES:
        raise PydanticCustomError("currency", "must be an upper-case ISO 4217 currency code, e.g. EUR")
    return value


OrderId = Annotated[str, StringConstraints(pattern=ORDER_ID_PATTERN), AfterValidator(_no_card_number)]
Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN), AfterValidator(_no_card_number)]
CustomerId = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_check_customer_id)]
PaymentToken = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_SEALED_LENGTH), AfterValidator(_check_payment_token)
]
SealedPaymentToken = Annotated[str, AfterValidator(_check_sealed_payment_token)]
Currency = Annotated[str, AfterValidator(_check_currency)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
UnitPriceMinor = Annotated[int, Field(gt=0, le=MAX_UNIT_PRICE_MINOR)]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class OrderItem(BaseModel):
    model_config = _STRICT

    sku: Sku
    quantity: Quantity
    unit_price_minor: UnitPriceMinor


class _OrderFields(BaseModel):
    model_config = _STRICT

    order_id: OrderId
    customer_id: CustomerId
    currency: Currency
    items: Annotated[list[OrderItem], Field(min_length=1, max_length=MAX_ITEMS_PER_ORDER)]

    @field_validator("items")
    @classmethod
    def _skus_are_unique(cls, items: list[OrderItem]) -> list[OrderItem]:
        # One line per SKU: reservations update each SKU once per transaction (DynamoDB rejects two
        # operations on the same item), and a merged line would hide what the client actually sent.
        first_seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.sku in first_seen:
                # The message names positions, not the SKU value: it stays free of client input.
                raise PydanticCustomError(
                    "duplicate_sku",
                    "items.{index} repeats the sku of items.{first}; put each SKU on one line",
                    {"index": index, "first": first_seen[item.sku]},
                )
            first_seen[item.sku] = index
        return items

    # check_fields=False: total_minor is declared by the subclasses (optional on input, required after).
    @field_validator("total_minor", check_fields=False)
    @classmethod
    def _total_matches_items(cls, total_minor: int | None, info: ValidationInfo) -> int | None:
        items: list[OrderItem] | None = info.data.get("items")  # absent when the items were invalid
        if total_minor is not None and items is not None:
            expected = _total_of(items)
            if total_minor != expected:
                raise PydanticCustomError(
                    "total_mismatch",
                    "must equal the sum of quantity * unit_price_minor over items ({expected})",
                    {"expected": expected},
                )
        return total_minor


def _total_of(items: list[OrderItem]) -> int:
    return sum(item.quantity * item.unit_price_minor for item in items)


class OrderInput(_OrderFields):
    """The execution input of both workflows, before validate_order normalizes it."""

    # repr=False keeps the token out of str()/repr() of the model, should one ever reach a log line.
    payment_token: PaymentToken = Field(repr=False)
    total_minor: int | None = None

    @property
    def payment_token_is_sealed(self) -> bool:
        return looks_sealed(self.payment_token)

    def normalized(self, sealed_payment_token: str) -> Order:
        fields = self.model_dump(exclude={"total_minor", "payment_token"})
        return Order(**fields, payment_token=sealed_payment_token, total_minor=_total_of(self.items))


class Order(_OrderFields):
    """The normalized order: what validate_order returns and every later step receives as `order`."""

    payment_token: SealedPaymentToken = Field(repr=False)
    total_minor: int

    def log_fields(self) -> dict[str, Any]:
        """What may be logged about an order: never the payment token."""
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "total_minor": self.total_minor,
            "item_count": len(self.items),
        }
