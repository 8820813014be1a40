"""process_payment: records the order PENDING, charges once per order, declines test tokens."""

from __future__ import annotations

from typing import Any

import process_payment
import pytest
import refund_payment
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError
from botocore.stub import Stubber
from checkout_domain import dynamodb, orders
from checkout_domain.errors import (
    InvalidOrderException,
    OrderStateConflictException,
    PaymentDeclinedException,
    TransientError,
)
from checkout_domain.models import Order
from checkout_domain.payment_ledger import DynamoDBPaymentLedger
from checkout_domain.payments import PaymentConflict

pytestmark = pytest.mark.usefixtures("aws")
TOTAL = 12999 + 2 * 4999


def test_charges_the_order_total_and_records_the_order_pending(context, tables, raw_order, step_event):
    result = process_payment.lambda_handler(step_event(raw_order()), context)

    assert result == {"payment_id": result["payment_id"], "amount_minor": TOTAL, "currency": "EUR", "status": "CHARGED"}
    assert result["payment_id"].startswith("pay_")
    [charge] = tables.ledger_entries("ord-1001")
    assert charge["sk"] == "CHARGE"
    assert (charge["payment_id"], charge["amount_minor"], charge["currency"]) == (result["payment_id"], TOTAL, "EUR")
    assert charge["refunded_minor"] == 0
    order = tables.order_record("ord-1001")
    assert order is not None
    assert (order["status"], order["total_minor"], order["customer_id"]) == ("PENDING", TOTAL, "cus-42")


def test_the_payment_token_is_stored_nowhere(context, tables, raw_order, step_event, secret_token):
    process_payment.lambda_handler(step_event(raw_order()), context)

    for table in (tables.orders, tables.payments, tables.inventory, tables.idempotency):
        assert secret_token not in repr(tables.all_items(table)), table


@pytest.mark.parametrize(
    ("token", "decline_code"),
    [
        ("tok_chargeDeclined", "generic_decline"),
        ("tok_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("tok_chargeDeclinedExpiredCard", "expired_card"),
        ("tok_chargeDeclinedSomethingNew", "generic_decline"),
    ],
)
def test_a_declined_card_fails_the_order_and_charges_nothing(
    context, token, decline_code, tables, raw_order, step_event
):
    with pytest.raises(PaymentDeclinedException) as declined:
        process_payment.lambda_handler(step_event(raw_order(payment_token=token)), context)

    assert decline_code in str(declined.value) and token not in str(declined.value)
    assert tables.ledger_entries("ord-1001") == []
    order = tables.order_record("ord-1001")
    assert order is not None
    assert order["status"] == "FAILED" and decline_code in order["failure_reason"]


def test_other_tokens_are_charged(context, raw_order, step_event):
    result = process_payment.lambda_handler(step_event(raw_order(payment_token="tok_mastercard")), context)

    assert result["status"] == "CHARGED"


def test_a_redelivered_step_returns_the_same_payment_and_charges_once(context, tables, raw_order, step_event):
    event = step_event(raw_order())

    first = process_payment.lambda_handler(event, context)
    replayed = process_payment.lambda_handler(event, context)
    tables.forget_idempotency_records()  # past the powertools TTL: only the ledger's own key can stop a 2nd charge
    after_expiry = process_payment.lambda_handler(event, context)

    assert first == replayed == after_expiry
    assert len(tables.ledger_entries("ord-1001")) == 1


def test_the_ledger_deduplicates_on_the_processor_idempotency_key(tables):
    ledger = DynamoDBPaymentLedger()
    request: dict[str, Any] = {"order_id": "ord-7", "amount_minor": 500, "currency": "EUR", "payment_token": "tok_visa"}

    first = ledger.charge(idempotency_key="key-1", **request)
    again = ledger.charge(idempotency_key="key-1", **request)

    assert again == first
    assert len(tables.ledger_entries("ord-7")) == 1
    with pytest.raises(PaymentConflict):
        ledger.charge(idempotency_key="key-1", **{**request, "amount_minor": 501})
    with pytest.raises(PaymentConflict):
        ledger.charge(idempotency_key="key-2", **request)  # a second charge for the same order
    assert len(tables.ledger_entries("ord-7")) == 1


def test_a_tampered_redelivery_is_refused_by_powertools(context, tables, raw_order, step_event):
    process_payment.lambda_handler(step_event(raw_order()), context)
    tampered = raw_order(items=[{"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 1}])

    with pytest.raises(IdempotencyValidationError):
        process_payment.lambda_handler(step_event(tampered), context)
    with pytest.raises(IdempotencyValidationError):
        process_payment.lambda_handler(step_event(raw_order(currency="USD")), context)

    [charge] = tables.ledger_entries("ord-1001")
    assert charge["amount_minor"] == TOTAL


def test_a_tampered_redelivery_after_expiry_is_refused_by_the_ledger(context, tables, raw_order, step_event):
    process_payment.lambda_handler(step_event(raw_order()), context)
    tables.forget_idempotency_records()
    tampered = raw_order(items=[{"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 1}])

    with pytest.raises(PaymentConflict):
        process_payment.lambda_handler(step_event(tampered), context)

    [charge] = tables.ledger_entries("ord-1001")
    assert charge["amount_minor"] == TOTAL


def test_an_order_the_saga_already_failed_is_not_charged(context, tables, raw_order, step_event, normalized):
    orders.record_pending(Order.from_json(normalized(raw_order())), charging_until_ms=0)
    orders.mark_failed("ord-1001", reason="test")

    with pytest.raises(OrderStateConflictException):
        process_payment.lambda_handler(step_event(raw_order()), context)

    assert tables.ledger_entries("ord-1001") == []


def test_a_charge_that_lands_after_the_saga_failed_refunds_itself(context, monkeypatch, tables, raw_order, step_event):
    """The invocation outlived its task: while its charge was in flight, Step Functions compensated. RefundPayment
    found no charge and waits out this run's deadline (TransientError); ProcessPayment sees the FAILED order after
    charging and refunds at once."""
    charge = DynamoDBPaymentLedger.charge

    def compensated_while_in_flight(self, **kwargs):
        with pytest.raises(TransientError, match="may still charge it"):
            refund_payment.lambda_handler(step_event(raw_order()), context)
        return charge(self, **kwargs)

    monkeypatch.setattr(DynamoDBPaymentLedger, "charge", compensated_while_in_flight)
    with pytest.raises(OrderStateConflictException):
        process_payment.lambda_handler(step_event(raw_order()), context)

    [charged, refunded] = tables.ledger_entries("ord-1001")
    assert (charged["sk"], charged["refunded_minor"], refunded["amount_minor"]) == ("CHARGE", TOTAL, TOTAL)
    assert tables.order_record("ord-1001")["status"] == "FAILED"
    # RefundPayment's retry finds that same refund: the money moved back once.
    monkeypatch.setattr(DynamoDBPaymentLedger, "charge", charge)
    again = refund_payment.lambda_handler(step_event(raw_order()), context)
    assert (again["status"], again["refund_id"]) == ("REFUNDED", refunded["refund_id"])
    assert len(tables.ledger_entries("ord-1001")) == 2


def test_a_charge_in_flight_is_refunded_even_if_its_run_dies_before_it_notices(
    context, monkeypatch, tables, raw_order, step_event
):
    """The run charges while RefundPayment is waiting for it, then dies (its Lambda timeout) before it reads the
    order again: RefundPayment's retry finds the charge and refunds it."""
    charge = DynamoDBPaymentLedger.charge

    class Killed(BaseException):  # not an Exception: nothing in the handler cleans up after it
        pass

    def compensated_then_killed(self, **kwargs):
        with pytest.raises(TransientError):
            refund_payment.lambda_handler(step_event(raw_order()), context)
        charge(self, **kwargs)
        raise Killed

    monkeypatch.setattr(DynamoDBPaymentLedger, "charge", compensated_then_killed)
    with pytest.raises(Killed):
        process_payment.lambda_handler(step_event(raw_order()), context)

    refunded = refund_payment.lambda_handler(step_event(raw_order()), context)
    assert refunded["status"] == "REFUNDED"
    [charged, refund] = tables.ledger_entries("ord-1001")
    assert (charged["refunded_minor"], refund["amount_minor"]) == (TOTAL, TOTAL)


def test_throttling_is_a_transient_error_and_the_retry_succeeds(context, tables, raw_order, step_event):
    event = step_event(raw_order())
    with Stubber(dynamodb.client()) as stubber:
        stubber.add_client_error("put_item", service_error_code="ProvisionedThroughputExceededException")
        with pytest.raises(TransientError):
            process_payment.lambda_handler(event, context)

    assert tables.ledger_entries("ord-1001") == []
    # The failed run's idempotency record was cleared, so the state machine's retry really runs.
    assert process_payment.lambda_handler(event, context)["status"] == "CHARGED"


def test_a_step_input_without_a_valid_order_is_an_invalid_order(context, tables, raw_order, normalized, secret_token):
    order = normalized(raw_order())
    del order["total_minor"]

    with pytest.raises(InvalidOrderException) as invalid:
        process_payment.lambda_handler({"order": order, "results": {}}, context)

    assert '"order.total_minor"' in str(invalid.value)
    assert secret_token not in str(invalid.value)
    assert tables.order_record("ord-1001") is None
