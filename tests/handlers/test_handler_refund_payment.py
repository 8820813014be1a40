"""refund_payment: refunds the order's charge exactly once, never more than charged, and fails the order."""

from __future__ import annotations

import confirm_order
import process_payment
import pytest
import refund_payment
import reserve_inventory
from checkout_domain import orders
from checkout_domain.errors import OrderStateConflictException
from checkout_domain.inventory import seed_stock
from checkout_domain.models import Order
from checkout_domain.payment_ledger import DynamoDBPaymentLedger
from checkout_domain.payments import RefundExceedsCharge

from tests.handlers.support import (
    INVENTORY_TABLE,
    PAYMENTS_TABLE,
    all_items,
    forget_idempotency_records,
    ledger_entries,
    normalized,
    order_record,
    raw_order,
    step_event,
)

pytestmark = pytest.mark.usefixtures("aws")
TOTAL = 12999 + 2 * 4999


def refund(context, **results):
    return refund_payment.lambda_handler(step_event(raw_order(), **results), context)


def entries_of(order_id: str, kind: str) -> list[dict]:
    return [entry for entry in ledger_entries(order_id) if entry["entry_type"] == kind]


def test_refunds_the_whole_charge_and_marks_the_order_failed(context):
    payment = process_payment.lambda_handler(step_event(raw_order()), context)

    result = refund(context, ProcessPayment=payment)

    assert result == {"status": "REFUNDED", "refund_id": result["refund_id"], "amount_minor": TOTAL}
    [charge] = entries_of("ord-1001", "CHARGE")
    [refund_entry] = entries_of("ord-1001", "REFUND")
    assert charge["refunded_minor"] == charge["amount_minor"] == TOTAL
    assert (refund_entry["refund_id"], refund_entry["payment_id"]) == (result["refund_id"], payment["payment_id"])
    order = order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_refunding_twice_refunds_once(context):
    process_payment.lambda_handler(step_event(raw_order()), context)

    first = refund(context)
    replayed = refund(context)
    forget_idempotency_records()  # past the powertools TTL: only the ledger's conditions stop a 2nd refund
    after_expiry = refund(context)

    assert first == replayed == after_expiry
    assert len(entries_of("ord-1001", "REFUND")) == 1
    [charge] = entries_of("ord-1001", "CHARGE")
    assert charge["refunded_minor"] == TOTAL


def test_the_charge_is_found_by_order_id_when_the_payment_step_outcome_is_unknown(context):
    process_payment.lambda_handler(step_event(raw_order()), context)  # its result never reached the saga

    assert refund(context)["status"] == "REFUNDED"  # no results.ProcessPayment


def test_with_no_charge_nothing_is_refunded_and_the_order_is_recorded_failed(context):
    assert refund(context) == {"status": "NOTHING_TO_REFUND"}

    assert all_items(PAYMENTS_TABLE) == []
    # The ProcessPayment being undone may not have run yet (a late redelivery, or a step that outlived its
    # task): the FAILED record is what stops it from charging afterwards.
    order = order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"
    with pytest.raises(OrderStateConflictException):
        process_payment.lambda_handler(step_event(raw_order()), context)
    assert all_items(PAYMENTS_TABLE) == []


def test_with_no_charge_a_recorded_order_is_still_marked_failed(context):
    orders.record_pending(Order.model_validate(normalized(raw_order())))

    assert refund(context) == {"status": "NOTHING_TO_REFUND"}

    assert all_items(PAYMENTS_TABLE) == []
    order = order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_a_refund_can_never_exceed_its_charge():
    ledger = DynamoDBPaymentLedger()
    charge = ledger.charge(
        idempotency_key="k", order_id="ord-9", amount_minor=100, currency="EUR", payment_token="tok_visa"
    )

    ledger.refund(charge=charge, amount_minor=60, idempotency_key="r1")
    ledger.refund(charge=charge, amount_minor=40, idempotency_key="r2")  # the charge object is stale: fine
    with pytest.raises(RefundExceedsCharge):
        ledger.refund(charge=charge, amount_minor=1, idempotency_key="r3")
    with pytest.raises(RefundExceedsCharge):
        ledger.refund(charge=charge, amount_minor=101, idempotency_key="r4")

    assert sorted(e["amount_minor"] for e in entries_of("ord-9", "REFUND")) == [40, 60]
    [stored] = entries_of("ord-9", "CHARGE")
    assert stored["refunded_minor"] == 100


def test_a_confirmed_order_is_never_refunded(context):
    seed_stock(INVENTORY_TABLE, [{"sku": "KB-MECH-01", "stock": 1}, {"sku": "MOUSE-ERGO-02", "stock": 2}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reservation = reserve_inventory.lambda_handler(step_event(raw_order()), context)
    confirm_order.lambda_handler(step_event(raw_order(), ProcessPayment=payment, ReserveInventory=reservation), context)

    with pytest.raises(OrderStateConflictException):
        refund(context)

    assert entries_of("ord-1001", "REFUND") == []
    order = order_record("ord-1001")
    assert order is not None and order["status"] == "CONFIRMED"
