"""refund_payment: refunds the order's charge exactly once, never more than charged, and fails the order."""

from __future__ import annotations

import confirm_order
import process_payment
import pytest
import refund_payment
import reserve_inventory
from checkout_domain import orders
from checkout_domain.errors import OrderStateConflictException, TransientError
from checkout_domain.inventory import seed_stock
from checkout_domain.models import Order
from checkout_domain.payment_ledger import DynamoDBPaymentLedger
from checkout_domain.payments import RefundExceedsCharge

pytestmark = pytest.mark.usefixtures("aws")
TOTAL = 12999 + 2 * 4999


@pytest.fixture
def refund(raw_order, step_event):
    """`refund(context, **results)`: RefundPayment for ord-1001 after the steps that produced `results`."""

    def refund(context, **results):
        return refund_payment.lambda_handler(step_event(raw_order(), **results), context)

    return refund


@pytest.fixture
def entries_of(tables):
    """`entries_of(order_id, kind)`: the order's ledger entries of one kind (CHARGE, REFUND)."""

    def entries_of(order_id: str, kind: str) -> list[dict]:
        return [entry for entry in tables.ledger_entries(order_id) if entry["entry_type"] == kind]

    return entries_of


def test_refunds_the_whole_charge_and_marks_the_order_failed(
    context, refund, entries_of, tables, raw_order, step_event
):
    payment = process_payment.lambda_handler(step_event(raw_order()), context)

    result = refund(context, ProcessPayment=payment)

    assert result == {"status": "REFUNDED", "refund_id": result["refund_id"], "amount_minor": TOTAL}
    [charge] = entries_of("ord-1001", "CHARGE")
    [refund_entry] = entries_of("ord-1001", "REFUND")
    assert charge["refunded_minor"] == charge["amount_minor"] == TOTAL
    assert (refund_entry["refund_id"], refund_entry["payment_id"]) == (result["refund_id"], payment["payment_id"])
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_refunding_twice_refunds_once(context, refund, entries_of, tables, raw_order, step_event):
    process_payment.lambda_handler(step_event(raw_order()), context)

    first = refund(context)
    replayed = refund(context)
    tables.forget_idempotency_records()  # past the powertools TTL: only the ledger's conditions stop a 2nd refund
    after_expiry = refund(context)

    assert first == replayed == after_expiry
    assert len(entries_of("ord-1001", "REFUND")) == 1
    [charge] = entries_of("ord-1001", "CHARGE")
    assert charge["refunded_minor"] == TOTAL


def test_the_charge_is_found_by_order_id_when_the_payment_step_outcome_is_unknown(
    context, refund, raw_order, step_event
):
    process_payment.lambda_handler(step_event(raw_order()), context)  # its result never reached the saga

    assert refund(context)["status"] == "REFUNDED"  # no results.ProcessPayment


def test_with_no_charge_nothing_is_refunded_and_the_order_is_recorded_failed(
    context, refund, tables, raw_order, step_event
):
    assert refund(context) == {"status": "NOTHING_TO_REFUND"}

    assert tables.all_items(tables.payments) == []
    # The ProcessPayment being undone may not have run yet (a late redelivery, or a step that outlived its
    # task): the FAILED record is what stops it from charging afterwards.
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"
    with pytest.raises(OrderStateConflictException):
        process_payment.lambda_handler(step_event(raw_order()), context)
    assert tables.all_items(tables.payments) == []


def test_with_no_charge_a_recorded_order_is_still_marked_failed(context, refund, tables, raw_order, normalized):
    orders.record_pending(Order.from_json(normalized(raw_order())), charging_until_ms=orders.now_ms() - 5000)

    assert refund(context) == {"status": "NOTHING_TO_REFUND"}

    assert tables.all_items(tables.payments) == []
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_no_charge_is_not_final_while_a_charge_attempt_may_still_run(
    context, refund, tables, raw_order, normalized, monkeypatch
):
    """ProcessPayment recorded the order with its run's deadline and has not charged yet: until that deadline,
    RefundPayment asks to be retried instead of concluding there is nothing to refund."""
    deadline = orders.now_ms() + 10_000
    orders.record_pending(Order.from_json(normalized(raw_order())), charging_until_ms=deadline)

    with pytest.raises(TransientError, match="may still charge it"):
        refund(context)
    assert tables.order_record("ord-1001")["status"] == "FAILED"  # no later run can charge it now

    clock = orders.now_ms
    monkeypatch.setattr(orders, "now_ms", lambda: clock() + 10_000 + orders.CLOCK_SKEW_MS)  # past the deadline
    assert refund(context) == {"status": "NOTHING_TO_REFUND"}


def test_a_retried_charge_attempt_moves_the_deadline_on_never_back(tables, raw_order, normalized):
    order = Order.from_json(normalized(raw_order()))
    assert orders.record_pending(order, charging_until_ms=2_000) is orders.OrderStatus.PENDING
    assert orders.record_pending(order, charging_until_ms=5_000) is orders.OrderStatus.PENDING
    assert orders.record_pending(order, charging_until_ms=3_000) is orders.OrderStatus.PENDING
    assert tables.order_record("ord-1001")["charging_until_ms"] == 5_000
    assert orders.mark_failed("ord-1001", reason="test") == 5_000
    assert orders.mark_failed("ord-1001", reason="again") == 5_000  # already FAILED: the deadline still reads
    assert orders.record_pending(order, charging_until_ms=9_000) is orders.OrderStatus.FAILED


def test_a_refund_can_never_exceed_its_charge(entries_of):
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


def test_a_confirmed_order_is_never_refunded(context, refund, entries_of, tables, raw_order, step_event):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 1}, {"sku": "MOUSE-ERGO-02", "stock": 2}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reservation = reserve_inventory.lambda_handler(step_event(raw_order()), context)
    confirm_order.lambda_handler(step_event(raw_order(), ProcessPayment=payment, ReserveInventory=reservation), context)

    with pytest.raises(OrderStateConflictException):
        refund(context)

    assert entries_of("ord-1001", "REFUND") == []
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "CONFIRMED"
