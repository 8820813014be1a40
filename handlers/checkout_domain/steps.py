"""What the state machine passes to each step after validate_order, and what each step returns.

Every step after validation receives {"order": <normalized order>, "results": {<StepName>: <its output>}}.
The step outputs below are the fixed contract with the ASL (it reads e.g. `results.ProcessPayment.payment_id`):
`to_json` is exactly that output, `from_json` reads it back (from the event, or from the idempotency store).
The ASL may add its own keys next to order/results (e.g. a caught error): steps ignore what they do not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from checkout_domain.field_errors import Path, token_in
from checkout_domain.json_input import JsonReader
from checkout_domain.models import Order


def _reader_of(event: object, required: tuple[str, ...]) -> tuple[JsonReader, dict[str, Any]]:
    order = event.get("order") if isinstance(event, dict) else None
    reader = JsonReader(secret=token_in(order))
    optional = tuple(name for name in ("results",) if name not in required)
    return reader, reader.fields(event, [], required, optional, closed=False)


@dataclass(frozen=True)
class StepRequest:
    """Input of every side-effecting step. `results` is not needed by most steps: they find their own earlier
    effects by order id, which also works when the step that produced them failed with an unknown outcome."""

    order: Order

    @classmethod
    def from_event(cls, event: object) -> StepRequest:
        reader, data = _reader_of(event, ("order",))
        order = Order.read(reader, data["order"], ["order"])
        reader.fields(data["results"], ["results"], (), closed=False)
        reader.raise_if_any()
        return cls(order)


@dataclass(frozen=True)
class ReservedItem:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PaymentResult:
    payment_id: str
    amount_minor: int
    currency: str
    status: Literal["CHARGED"] = "CHARGED"

    @classmethod
    def from_json(cls, data: object) -> PaymentResult:
        reader = JsonReader(secret=None)
        result = cls.read(reader, data, [])
        reader.raise_if_any()
        return result

    @classmethod
    def read(cls, reader: JsonReader, data: object, path: Path) -> PaymentResult:
        fields = reader.fields(data, path, ("payment_id", "amount_minor", "currency"), ("status",), closed=False)
        result = cls(
            payment_id=reader.text(fields["payment_id"], [*path, "payment_id"]),
            amount_minor=reader.integer(fields["amount_minor"], [*path, "amount_minor"]),
            currency=reader.text(fields["currency"], [*path, "currency"]),
        )
        reader.one_of(fields["status"], [*path, "status"], ("CHARGED",))
        return result

    def to_json(self) -> dict[str, Any]:
        return {"payment_id": self.payment_id, "amount_minor": self.amount_minor, "currency": self.currency,
                "status": self.status}


@dataclass(frozen=True)
class ReservationResult:
    reservation_id: str
    items: tuple[ReservedItem, ...]
    status: Literal["RESERVED"] = "RESERVED"

    @classmethod
    def from_json(cls, data: object) -> ReservationResult:
        reader = JsonReader(secret=None)
        result = cls.read(reader, data, [])
        reader.raise_if_any()
        return result

    @classmethod
    def read(cls, reader: JsonReader, data: object, path: Path) -> ReservationResult:
        fields = reader.fields(data, path, ("reservation_id", "items"), ("status",), closed=False)
        result = cls(
            reservation_id=reader.text(fields["reservation_id"], [*path, "reservation_id"]),
            items=_reserved_items(reader, fields["items"], [*path, "items"]),
        )
        reader.one_of(fields["status"], [*path, "status"], ("RESERVED",))
        return result

    def to_json(self) -> dict[str, Any]:
        return {"reservation_id": self.reservation_id, "items": _items_json(self.items), "status": self.status}


@dataclass(frozen=True)
class ReleaseResult:
    status: Literal["RELEASED", "NOTHING_TO_RELEASE"]
    reservation_id: str | None = None
    items: tuple[ReservedItem, ...] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReleaseResult:
        items = data.get("items")
        return cls(data["status"], data.get("reservation_id"), None if items is None else _stored_items(items))

    def to_json(self) -> dict[str, Any]:
        """Absent fields are left out, not null."""
        output: dict[str, Any] = {"status": self.status}
        if self.reservation_id is not None:
            output["reservation_id"] = self.reservation_id
        if self.items is not None:
            output["items"] = _items_json(self.items)
        return output


@dataclass(frozen=True)
class RefundResult:
    status: Literal["REFUNDED", "NOTHING_TO_REFUND"]
    refund_id: str | None = None
    amount_minor: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RefundResult:
        return cls(data["status"], data.get("refund_id"), data.get("amount_minor"))

    def to_json(self) -> dict[str, Any]:
        """Absent fields are left out, not null."""
        output: dict[str, Any] = {"status": self.status}
        if self.refund_id is not None:
            output["refund_id"] = self.refund_id
        if self.amount_minor is not None:
            output["amount_minor"] = self.amount_minor
        return output


@dataclass(frozen=True, kw_only=True)
class ConfirmationResult:
    """The saga's success output."""

    order_id: str
    status: Literal["CONFIRMED"] = "CONFIRMED"
    confirmation_id: str
    payment_id: str
    reservation_id: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConfirmationResult:
        return cls(order_id=data["order_id"], confirmation_id=data["confirmation_id"],
                   payment_id=data["payment_id"], reservation_id=data["reservation_id"])

    def to_json(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "status": self.status, "confirmation_id": self.confirmation_id,
                "payment_id": self.payment_id, "reservation_id": self.reservation_id}


@dataclass(frozen=True)
class ConfirmRequest:
    """confirm_order is the pivot: it only runs after both earlier steps succeeded, and echoes their ids."""

    order: Order
    process_payment: PaymentResult
    reserve_inventory: ReservationResult

    @classmethod
    def from_event(cls, event: object) -> ConfirmRequest:
        reader, data = _reader_of(event, ("order", "results"))
        order = Order.read(reader, data["order"], ["order"])
        steps = ("ProcessPayment", "ReserveInventory")
        results = reader.fields(data["results"], ["results"], steps, closed=False)
        payment = PaymentResult.read(reader, results["ProcessPayment"], ["results", "ProcessPayment"])
        reservation = ReservationResult.read(
            reader, results["ReserveInventory"], ["results", "ReserveInventory"]
        )
        reader.raise_if_any()
        return cls(order, payment, reservation)


def _reserved_items(reader: JsonReader, value: object, path: Path) -> tuple[ReservedItem, ...]:
    items = []
    for index, line in enumerate(reader.array(value, path)):
        fields = reader.fields(line, [*path, index], ("sku", "quantity"), closed=False)
        items.append(ReservedItem(reader.text(fields["sku"], [*path, index, "sku"]),
                                  reader.integer(fields["quantity"], [*path, index, "quantity"])))
    return tuple(items)


def _stored_items(items: list[dict[str, Any]]) -> tuple[ReservedItem, ...]:
    return tuple(ReservedItem(item["sku"], item["quantity"]) for item in items)


def _items_json(items: tuple[ReservedItem, ...]) -> list[dict[str, Any]]:
    return [{"sku": item.sku, "quantity": item.quantity} for item in items]
