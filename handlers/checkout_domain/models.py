"""The order: `Order`, the normalized order validate_order returns and every later step receives, and the rules
its fields keep.

One domain type, one set of rules. validate_order checks the client's input at the public boundary with pydantic
(order_input.OrderInput, which applies these rules and names every problem) and builds an `Order`; each step
reads the order back from the state machine's JSON with `Order.from_json`, which re-checks the same rules
without pydantic, so that a step never acts on an order validate_order would have refused.

Strict, and unknown fields are refused: silently dropping a misspelt field ("quantitiy") or coercing
`true`/`1.0`/`"2"` into a quantity would charge the customer for something they did not mean. `payment_token` is
sealed (see payment_token_seal) in every `Order`. Card numbers are refused in every field: they would otherwise
travel into execution histories, logs and tables. Messages never quote a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from checkout_domain.card_numbers import contains_card_number
from checkout_domain.currencies import ISO_4217_CURRENCIES
from checkout_domain.field_errors import Path, token_in
from checkout_domain.json_input import JsonReader
from checkout_domain.payment_token_seal import looks_sealed

# DynamoDB's TransactWriteItems takes at most 100 actions, and reserving (or releasing) an order writes one
# stock item per SKU plus the reservation record, all in one transaction.
MAX_ITEMS_PER_ORDER = 99
MAX_QUANTITY = 1000
# 1,000,000.00 in a two-decimal currency. With the other bounds, a total stays far below 2**53, so it is exact
# in every JSON parser (Step Functions, JavaScript clients).
MAX_UNIT_PRICE_MINOR = 100_000_000
MAX_CUSTOMER_ID_LENGTH = 128
# The order id doubles as the Standard execution name (max 80 characters) and as part of DynamoDB keys.
ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ORDER_ID = re.compile(ORDER_ID_PATTERN)
_SKU = re.compile(SKU_PATTERN)

ORDER_FIELDS = ("order_id", "customer_id", "currency", "items", "payment_token", "total_minor")
ITEM_FIELDS = ("sku", "quantity", "unit_price_minor")


def card_number_problem(value: str) -> str | None:
    return "must not contain a card number" if contains_card_number(value) else None


def customer_id_problem(value: str) -> str | None:
    if not value.strip() or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "must not be blank or contain control characters"
    return card_number_problem(value)


def currency_problem(value: str) -> str | None:
    return None if value in ISO_4217_CURRENCIES else "must be an upper-case ISO 4217 currency code, e.g. EUR"


def sealed_token_problem(value: str) -> str | None:
    return None if looks_sealed(value) else "must be a sealed payment token"


def repeated_sku_problem(skus: list[str]) -> str | None:
    # One line per SKU: reservations update each SKU once per transaction (DynamoDB rejects two operations on
    # the same item), and a merged line would hide what the client actually sent. The message names positions.
    first_seen: dict[str, int] = {}
    for index, sku in enumerate(skus):
        if sku in first_seen:
            return f"items.{index} repeats the sku of items.{first_seen[sku]}; put each SKU on one line"
        first_seen[sku] = index
    return None


class PricedLine(Protocol):
    """An order line as the client sent it (order_input) or as normalized (OrderItem)."""

    @property
    def quantity(self) -> int: ...

    @property
    def unit_price_minor(self) -> int: ...


def total_problem(total_minor: int, items: Iterable[PricedLine]) -> str | None:
    expected = total_of(items)
    if total_minor != expected:
        return f"must equal the sum of quantity * unit_price_minor over items ({expected})"
    return None


def total_of(items: Iterable[PricedLine]) -> int:
    return sum(item.quantity * item.unit_price_minor for item in items)


def _order_id_problem(value: str) -> str | None:
    # fullmatch: `$` alone would let a trailing newline through.
    return card_number_problem(value) if _ORDER_ID.fullmatch(value) else f"must match {ORDER_ID_PATTERN}"


def _customer_id_problem(value: str) -> str | None:
    if not 1 <= len(value) <= MAX_CUSTOMER_ID_LENGTH:
        return f"must be 1 to {MAX_CUSTOMER_ID_LENGTH} characters"
    return customer_id_problem(value)


def sku_problem(value: str) -> str | None:
    return card_number_problem(value) if _SKU.fullmatch(value) else f"must match {SKU_PATTERN}"


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int
    unit_price_minor: int

    @classmethod
    def read(cls, reader: JsonReader, value: object, path: Path) -> OrderItem:
        data = reader.fields(value, path, ITEM_FIELDS, closed=True)
        return cls(
            sku=reader.text(data["sku"], [*path, "sku"], sku_problem),
            quantity=reader.integer(data["quantity"], [*path, "quantity"], 1, MAX_QUANTITY),
            unit_price_minor=reader.integer(
                data["unit_price_minor"], [*path, "unit_price_minor"], 1, MAX_UNIT_PRICE_MINOR
            ),
        )


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    currency: str
    items: tuple[OrderItem, ...]
    # repr=False keeps the token out of str()/repr() of the order, should one ever reach a log line.
    payment_token: str = field(repr=False)
    total_minor: int

    @classmethod
    def from_json(cls, data: object) -> Order:
        """The order from its JSON (`to_json`), every rule checked, or InvalidOrderException naming each problem."""
        reader = JsonReader(secret=token_in(data))
        order = cls.read(reader, data, [])
        reader.raise_if_any()
        return order

    @classmethod
    def read(cls, reader: JsonReader, value: object, path: Path) -> Order:
        data = reader.fields(value, path, ORDER_FIELDS, closed=True)
        lines = reader.array(data["items"], [*path, "items"], (1, MAX_ITEMS_PER_ORDER))
        items = tuple(OrderItem.read(reader, line, [*path, "items", index]) for index, line in enumerate(lines))
        order = cls(
            order_id=reader.text(data["order_id"], [*path, "order_id"], _order_id_problem),
            customer_id=reader.text(data["customer_id"], [*path, "customer_id"], _customer_id_problem),
            currency=reader.text(data["currency"], [*path, "currency"], currency_problem),
            items=items,
            payment_token=reader.text(data["payment_token"], [*path, "payment_token"], sealed_token_problem),
            total_minor=reader.integer(data["total_minor"], [*path, "total_minor"]),
        )
        if reader.clean:  # the items and the total as read are the real ones
            repeated = repeated_sku_problem([item.sku for item in items])
            if repeated:
                reader.problem([*path, "items"], repeated)
            wrong_total = None if repeated else total_problem(order.total_minor, items)
            if wrong_total:
                reader.problem([*path, "total_minor"], wrong_total)
        return order

    def to_json(self) -> dict[str, Any]:
        """The order as validate_order returns it and the state machine passes it on."""
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "items": [
                {"sku": item.sku, "quantity": item.quantity, "unit_price_minor": item.unit_price_minor}
                for item in self.items
            ],
            "payment_token": self.payment_token,
            "total_minor": self.total_minor,
        }

    def log_fields(self) -> dict[str, Any]:
        """What may be logged about an order: never the payment token."""
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "total_minor": self.total_minor,
            "item_count": len(self.items),
        }
