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

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def completed_steps(context, tables, raw_order, step_event) -> dict:
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 5}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reservation = reserve_inventory.lambda_handler(step_event(raw_order(), ProcessPayment=payment), context)
    return {"ProcessPayment": payment, "ReserveInventory": reservation}


@pytest.fixture
def confirm(raw_order, step_event):
    """`confirm(context, results)`: ConfirmOrder for ord-1001 after the steps that produced `results`."""

    def confirm(context, results: dict) -> dict:
        return confirm_order.lambda_handler(step_event(raw_order(), **results), context)

    return confirm


def test_confirms_a_pending_order_and_returns_the_saga_output(context, completed_steps, confirm, tables):
    result = confirm(context, completed_steps)

    assert result == {
        "order_id": "ord-1001",
        "status": "CONFIRMED",
        "confirmation_id": result["confirmation_id"],
        "payment_id": completed_steps["ProcessPayment"]["payment_id"],
        "reservation_id": completed_steps["ReserveInventory"]["reservation_id"],
    }
    order = tables.order_record("ord-1001")
    assert order is not None
    assert (order["status"], order["confirmation_id"]) == ("CONFIRMED", result["confirmation_id"])
    assert order["payment_id"] == result["payment_id"]


def test_confirming_again_keeps_the_first_confirmation(context, completed_steps, confirm, tables):
    first = confirm(context, completed_steps)
    tables.forget_idempotency_records()

    assert confirm(context, completed_steps) == first


def test_a_compensated_order_cannot_be_confirmed(context, completed_steps, confirm, tables, raw_order, step_event):
    refund_payment.lambda_handler(step_event(raw_order()), context)

    with pytest.raises(OrderStateConflictException, match="FAILED"):
        confirm(context, completed_steps)

    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_an_unrecorded_order_cannot_be_confirmed(context, confirm, tables):
    results = {
        "ProcessPayment": {"payment_id": "pay_x", "amount_minor": 1, "currency": "EUR", "status": "CHARGED"},
        "ReserveInventory": {"reservation_id": "res_x", "items": [], "status": "RESERVED"},
    }

    with pytest.raises(OrderStateConflictException, match="does not exist"):
        confirm(context, results)

    assert tables.order_record("ord-1001") is None


def test_missing_step_results_are_reported_as_invalid_input(context, completed_steps, confirm, tables, secret_token):
    with pytest.raises(InvalidOrderException) as invalid:
        confirm(context, {"ProcessPayment": completed_steps["ProcessPayment"]})

    fields = [entry["field"] for entry in json.loads(str(invalid.value))]
    assert fields == ["results.ReserveInventory"]
    assert secret_token not in str(invalid.value)
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "PENDING"
