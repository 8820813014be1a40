"""confirm_order: the pivot. PENDING -> CONFIRMED once, never from FAILED; echoes the earlier steps' ids."""

from __future__ import annotations

import json

import confirm_order
import process_payment
import pytest
import refund_payment
import reserve_inventory
from checkout_domain.errors import InvalidOrderException, OrderStateConflictException
from checkout_domain.inventory import seed_stock

from tests.handlers.support import (
    INVENTORY_TABLE,
    SECRET_TOKEN,
    forget_idempotency_records,
    order_record,
    raw_order,
    step_event,
)

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def completed_steps(context) -> dict:
    seed_stock(INVENTORY_TABLE, [{"sku": "KB-MECH-01", "stock": 5}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reservation = reserve_inventory.lambda_handler(step_event(raw_order(), ProcessPayment=payment), context)
    return {"ProcessPayment": payment, "ReserveInventory": reservation}


def confirm(context, results: dict) -> dict:
    return confirm_order.lambda_handler(step_event(raw_order(), **results), context)


def test_confirms_a_pending_order_and_returns_the_saga_output(context, completed_steps):
    result = confirm(context, completed_steps)

    assert result == {
        "order_id": "ord-1001",
        "status": "CONFIRMED",
        "confirmation_id": result["confirmation_id"],
        "payment_id": completed_steps["ProcessPayment"]["payment_id"],
        "reservation_id": completed_steps["ReserveInventory"]["reservation_id"],
    }
    order = order_record("ord-1001")
    assert order is not None
    assert (order["status"], order["confirmation_id"]) == ("CONFIRMED", result["confirmation_id"])
    assert order["payment_id"] == result["payment_id"]


def test_confirming_again_keeps_the_first_confirmation(context, completed_steps):
    first = confirm(context, completed_steps)
    forget_idempotency_records()

    assert confirm(context, completed_steps) == first


def test_a_compensated_order_cannot_be_confirmed(context, completed_steps):
    refund_payment.lambda_handler(step_event(raw_order()), context)

    with pytest.raises(OrderStateConflictException, match="FAILED"):
        confirm(context, completed_steps)

    order = order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_an_unrecorded_order_cannot_be_confirmed(context):
    results = {
        "ProcessPayment": {"payment_id": "pay_x", "amount_minor": 1, "currency": "EUR", "status": "CHARGED"},
        "ReserveInventory": {"reservation_id": "res_x", "items": [], "status": "RESERVED"},
    }

    with pytest.raises(OrderStateConflictException, match="does not exist"):
        confirm(context, results)

    assert order_record("ord-1001") is None


def test_missing_step_results_are_reported_as_invalid_input(context, completed_steps):
    with pytest.raises(InvalidOrderException) as invalid:
        confirm(context, {"ProcessPayment": completed_steps["ProcessPayment"]})

    fields = [entry["field"] for entry in json.loads(str(invalid.value))]
    assert fields == ["results.ReserveInventory"]
    assert SECRET_TOKEN not in str(invalid.value)
    order = order_record("ord-1001")
    assert order is not None and order["status"] == "PENDING"
