"""Every saga path end to end: the real definition, the real handlers, and what they left in DynamoDB.

Every test runs on the session's stack (JSONata, the default) and on a stack of its own written in JSONPath.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess
from tests.e2e.conftest import StackUnderTest

pytestmark = pytest.mark.e2e

JSONPATH = {**FAST_RETRIES, "checkout-saga:queryLanguage": "JSONPath"}


@pytest.fixture(scope="module", params=["JSONata", "JSONPath"])
def saga_stack(
    request: pytest.FixtureRequest, stack_under_test: Callable[[LocalStack], StackUnderTest]
) -> Iterator[StackUnderTest]:
    if request.param == "JSONata":
        yield request.getfixturevalue("default_stack")
        return
    with in_subprocess(config_overrides=JSONPATH) as local:
        yield stack_under_test(local)


@pytest.fixture
def stack(saga_stack: StackUnderTest) -> StackUnderTest:
    return saga_stack


# The states a failure passes through after the step that failed: JSONPath explains a business error and strips a
# stack trace in states of their own, JSONata does it in the Fail state's and the dead letter's expressions.
ENDINGS = {
    "JSONata": {
        "OutOfStock": ("RefundPayment", "RollbackOutcome", "OutOfStock"),
        "PaymentDeclined": ("PaymentDeclined",),
        "CheckoutFailed": ("ReleaseInventory", "RefundPayment", "RollbackOutcome", "CheckoutFailed"),
        "CompensationFailed": ("RefundPayment", "EscalateRefundPayment", "CompensationFailed"),
    },
    "JSONPath": {
        "OutOfStock": ("RefundPayment", "RollbackOutcome", "ExplainOutOfStock", "OutOfStock"),
        "PaymentDeclined": ("ExplainPaymentDeclined", "PaymentDeclined"),
        # The failure is a function's own error: its stack trace is stripped from the cause on the way out.
        "CheckoutFailed": ("ReleaseInventory", "RefundPayment", "RollbackOutcome", "CheckoutFailedCause",
                           "ParseCheckoutFailedCause", "TrimCheckoutFailedCause", "CheckoutFailed"),
        # Both failures the dead letter carries lose their stack traces first.
        "CompensationFailed": ("RefundPayment", "EscalateRefundPaymentCause", "ParseEscalateRefundPaymentCause",
                               "TrimEscalateRefundPaymentCause", "EscalateRefundPaymentOriginalCause",
                               "ParseEscalateRefundPaymentOriginalCause", "TrimEscalateRefundPaymentOriginalCause",
                               "EscalateRefundPayment", "CompensationFailed"),
    },
}


def ending(stack: StackUnderTest, outcome: str) -> tuple[str, ...]:
    return ENDINGS[stack.query_language][outcome]


def test_the_stacks_are_written_in_their_query_language(saga_stack, request):
    assert saga_stack.query_language == request.node.callspec.params["saga_stack"]


def total(order: dict) -> int:
    return sum(item["quantity"] * item["unit_price_minor"] for item in order["items"])


def test_happy_checkout_charges_once_reserves_and_confirms(stack):
    order = stack.order("happy")
    before = stack.stock()
    result = stack.checkout(order)
    assert result.status == "SUCCEEDED", result.cause
    assert result.path == ("ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder")
    assert result.output["order_id"] == order["order_id"]
    assert result.output["status"] == "CONFIRMED"
    snapshot = stack.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds) == ("CONFIRMED", 1, 0)
    assert snapshot.net_charge_minor == total(order)
    assert snapshot.reservation_status == "RESERVED"
    assert snapshot.reserved == {i["sku"]: i["quantity"] for i in order["items"]}
    after = stack.stock()
    for item in order["items"]:
        assert before[item["sku"]] - after[item["sku"]] == item["quantity"]
    assert result.output["payment_id"].startswith("pay_")
    for step in ("ProcessPayment", "ReserveInventory", "ConfirmOrder"):
        record = stack.idempotency_record(step, order["order_id"])
        assert record is not None and record["status"] == "COMPLETED", step


def test_out_of_stock_refunds_the_charge_and_fails_the_order(stack):
    order = stack.order("out-of-stock")
    before = stack.stock()
    result = stack.checkout(order)
    assert (result.status, result.error) == ("FAILED", "OutOfStock")
    assert result.path[3:] == ending(stack, "OutOfStock")
    assert "KB-MECH-01" in result.cause
    snapshot = stack.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds) == ("FAILED", 1, 1)
    assert snapshot.charged_minor == total(order) and snapshot.net_charge_minor == 0
    assert snapshot.reservation_status is None
    assert stack.stock() == before
    assert stack.idempotency_record("RefundPayment", order["order_id"])["status"] == "COMPLETED"
    # A failed step stores no result: a later retry of the same order must run it again.
    assert stack.idempotency_record("ReserveInventory", order["order_id"]) is None


def test_declined_card_charges_nothing_and_fails_the_order(stack):
    order = stack.order("declined")
    before = stack.stock()
    result = stack.checkout(order)
    assert (result.status, result.error) == ("FAILED", "PaymentDeclined")
    assert result.path == ("ValidateOrder", "ProcessPayment", *ending(stack, "PaymentDeclined"))
    snapshot = stack.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds) == ("FAILED", 0, 0)
    assert stack.stock() == before
    assert "tok_" not in (result.cause or "")


def test_invalid_order_lists_every_error_and_touches_nothing(stack):
    order = stack.order("invalid")
    order["order_id"] = "not a valid id!"
    result = stack.checkout(order, name="invalid-order-e2e")
    assert (result.status, result.error) == ("FAILED", "OrderInvalid")
    errors = json.loads(result.cause)
    fields = {error["field"] for error in errors}
    assert {"order_id", "customer_id", "currency", "items.0.quantity", "items.0.unit_price_minor"} <= fields
    assert "Traceback" not in result.cause and "tok_visa" not in result.cause
    assert stack.snapshot(order["order_id"]).status is None


def test_unexpected_failure_after_the_reservation_compensates_everything_in_reverse(stack):
    order = stack.order("happy")
    before = stack.stock()
    with stack.misconfigured("confirm_order", ORDERS_TABLE_NAME="no-such-table"):
        result = stack.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CheckoutFailed")
    rollback = result.path[result.path.index("ReleaseInventory"):]
    assert rollback == ending(stack, "CheckoutFailed")
    # The failure is a function's own error: its stack trace is stripped from the cause on the way out.
    cause = json.loads(result.cause)
    assert cause["Error"] != "CheckoutFailed" and set(cause["Cause"]) == {"errorType", "errorMessage"}
    assert "stackTrace" not in result.cause
    snapshot = stack.snapshot(order["order_id"])
    assert snapshot.status == "FAILED"
    assert snapshot.net_charge_minor == 0 and snapshot.charges == 1
    assert snapshot.reservation_status == "RELEASED"
    assert stack.stock() == before


def test_failed_compensation_is_escalated_to_the_dead_letter_queue(stack):
    order = stack.order("out-of-stock")
    with stack.misconfigured("refund_payment", PAYMENTS_TABLE_NAME="no-such-table"):
        result = stack.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CompensationFailed")
    expected = ending(stack, "CompensationFailed")
    assert result.path[-len(expected):] == expected
    assert result.path.count("RefundPayment") == 1  # retries happen inside the state, visible as attempts
    sqs = stack.clients.client("sqs")
    messages = sqs.receive_message(QueueUrl=stack.outputs["deadLetterQueueUrl"], MaxNumberOfMessages=10,
                                   WaitTimeSeconds=1)["Messages"]
    bodies = [json.loads(m["Body"]) for m in messages]
    (body,) = [b for b in bodies if b["orderId"] == order["order_id"]]
    assert body["executionArn"] == result.arn
    assert body["failedCompensation"] == "RefundPayment"
    assert body["pendingCompensations"] == ["RefundPayment"]
    assert body["originalFailure"]["Error"] == "InventoryDepletedException"
    assert "no-such-table" in body["error"]["Cause"] or body["error"]["Error"]
    # Both failures the dead letter carries lose their stack traces.
    assert "stackTrace" not in messages[bodies.index(body)]["Body"]
    assert set(body) == {"executionArn", "orderId", "failedCompensation", "pendingCompensations", "error",
                         "originalFailure"}
    snapshot = stack.snapshot(order["order_id"])
    assert snapshot.net_charge_minor == total(order), "the money is still taken: the escalation is the record"
