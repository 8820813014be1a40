"""A handler killed in the middle of its work, then retried: the powertools in-progress window at work.

Killed "mid-flight" = right after its N-th AWS call returned (the worker is SIGKILLed there): its writes so
far are done, its idempotency record is INPROGRESS, and it answers nothing. Powertools dates the record's
in-progress expiry to the end of the invocation's timeout (register_lambda_context): until then a retry is
refused (IdempotencyAlreadyInProgressError, which the handlers report as TransientError), after it the retry
runs the function again, and the ledger's idempotency key makes that second charge return the first.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults

pytestmark = pytest.mark.e2e

# process_payment puts 1 its idempotency record (INPROGRESS), 2 the order (PENDING), 3 the charge.
AFTER_THE_CHARGE = "call:PutItem:3"
# confirm_order updates 1 the order (CONFIRMED), 2 its idempotency record (COMPLETED).
AFTER_THE_CONFIRMATION = "call:UpdateItem"


def kill_once(rs, state: str, at: str) -> None:
    crash_once = FaultRule(FaultKind.CRASH_AFTER, at=at, max_count=1)
    rs.control.set_faults(rs.parts.function_name(state), RandomFaults(0, (crash_once,)))


def invoke(rs, state: str, payload: Any) -> tuple[str | None, dict[str, Any]]:
    response = rs.clients.client("lambda").invoke(
        FunctionName=rs.parts.function_arns[state], Payload=json.dumps(payload).encode()
    )
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def test_a_payment_killed_after_charging_is_retried_after_the_window_without_a_second_charge(
    rs,
) -> None:
    raw = rs.order("happy")
    error, order = invoke(rs, "ValidateOrder", raw)
    assert error is None
    step_input = {"order": order, "results": {}}
    kill_once(rs, "ProcessPayment", AFTER_THE_CHARGE)

    error, killed = invoke(rs, "ProcessPayment", step_input)
    assert (error, killed["errorType"]) == ("Unhandled", "Runtime.ExitError")
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.status) == (1, "PENDING")  # charged, then killed before answering
    record = rs.idempotency_record("ProcessPayment", order["order_id"])
    assert record is not None and record["status"] == "INPROGRESS"
    expiry_s = int(record["in_progress_expiration"]) / 1000
    assert 5 < expiry_s - time.time() <= 10.5  # the rest of the 10 s Lambda timeout, not the 1 h record TTL

    error, refused = invoke(rs, "ProcessPayment", step_input)
    assert (error, refused["errorType"]) == ("Unhandled", "TransientError")  # in progress: the ASL retries that

    time.sleep(max(0.0, expiry_s - time.time()) + 0.3)
    error, result = invoke(rs, "ProcessPayment", step_input)
    assert error is None, result
    charge = rs.clients.dynamodb.get_item(
        TableName=rs.parts.tables.payments,
        Key={"pk": {"S": f"ORDER#{order['order_id']}"}, "sk": {"S": "CHARGE"}},
        ConsistentRead=True,
    )["Item"]
    assert result["payment_id"] == charge["payment_id"]["S"]
    assert rs.snapshot(order["order_id"]).charges == 1
    record = rs.idempotency_record("ProcessPayment", order["order_id"])
    assert record is not None and record["status"] == "COMPLETED"


def test_a_saga_whose_payment_is_killed_mid_flight_refunds_and_leaves_no_stuck_record(
    rs, check
) -> None:
    kill_once(rs, "ProcessPayment", AFTER_THE_CHARGE)
    order = rs.order("happy")
    result = rs.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CheckoutFailed")
    assert result.path[1:3] == ("ProcessPayment", "RefundPayment")  # an unknown outcome: undo by order id
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.net_charge_minor, snapshot.status) == (1, 0, "FAILED")
    report = check([result.arn])
    assert report.ok, report.violations
    assert report.abandoned_in_progress_records == 1  # it expires by itself: nothing is stuck


def test_a_pivot_killed_after_confirming_proceeds_after_the_window(rs, check) -> None:
    """Was finding 2 of docs/reliability.md: the pivot's retries used to end inside the window, and the rollback
    then ran on a CONFIRMED order. Its TransientError retrier now outlasts the window."""
    kill_once(rs, "ConfirmOrder", AFTER_THE_CONFIRMATION)
    order = rs.order("happy")
    result = rs.checkout(order)
    report = check([result.arn])
    assert result.status == "SUCCEEDED", f"{result.error}: {report.violations}"
    assert report.ok, report.violations
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds, snapshot.reservation_status) == (
        "CONFIRMED", 1, 0, "RESERVED"
    )
