"""The same order submitted many times: under one execution name, under several, at once: one charge."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from devstack.executions import wait_for_execution, wait_until_ended
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from sagactl.reliability.recovery import recover

pytestmark = pytest.mark.e2e

DELIVERIES = 12


def test_one_order_delivered_many_times_at_once_is_charged_once(rs, check) -> None:
    order = rs.order("happy")
    order_id = order["order_id"]
    # Half under the order's own name (the same execution while it runs), half under names of their own.
    names = [order_id if n % 2 == 0 else f"{order_id}-again-{n}" for n in range(DELIVERIES)]
    before = rs.stock()
    with ThreadPoolExecutor(DELIVERIES) as pool:
        arns = list(pool.map(lambda name: rs.start(order, name), names))
    executions = sorted(set(arns))
    assert len(executions) == DELIVERIES // 2 + 1  # every same-name start answered with the running execution
    assert wait_until_ended(rs.sfn, rs.parts.checkout_arn, executions, timeout_s=120) == []
    results = [wait_for_execution(rs.sfn, arn) for arn in executions]
    snapshot = rs.snapshot(order_id)
    assert snapshot.charges == 1  # whatever happened: one charge
    succeeded = [r for r in results if r.status == "SUCCEEDED"]
    # Normally every delivery succeeds (the later ones replay). On a loaded machine a delivery can run out of
    # retries while the first holds the idempotency lock, and compensate the order: consistent, but no success.
    if succeeded:
        assert len({(r.output["payment_id"], r.output["confirmation_id"]) for r in succeeded}) == 1
        assert (snapshot.refunds, snapshot.status) == (0, "CONFIRMED")
        after = rs.stock()
        assert {sku: before[sku] - after[sku] for sku in snapshot.reserved} == snapshot.reserved  # taken once
    with pytest.raises(ClientError, match="ExecutionAlreadyExists"):
        rs.start(order, order_id)  # the name is taken for good once the execution closed
    report = check(executions)
    assert report.ok, report.violations


def test_a_declined_order_delivered_many_times_is_declined_without_a_charge(
    rs, check
) -> None:
    order = rs.order("declined")
    with ThreadPoolExecutor(6) as pool:
        arns = list(pool.map(lambda n: rs.start(order, f"{order['order_id']}-{n}"), range(6)))
    results = [wait_for_execution(rs.sfn, arn) for arn in arns]
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.status) == (0, "FAILED")
    report = check(arns)
    assert report.ok, report.violations
    assert "PaymentDeclined" in {r.error for r in results}
    # A redelivery that runs ProcessPayment after the decline finds the order FAILED and refuses to charge it
    # (OrderStateConflictException). On a loaded machine it may instead run out of retries while another delivery
    # holds the order's idempotency lock. Either way its saga compensates and ends CheckoutFailed, charging nothing.
    others = [r for r in results if r.error != "PaymentDeclined"]
    assert all(r.error == "CheckoutFailed" for r in others), "\n".join(
        f"{' > '.join(r.path)}: {r.error}: {r.cause}" for r in others
    )


def test_a_failed_redelivery_never_undoes_a_confirmed_order(rs, check) -> None:
    """Was finding 1 of docs/reliability.md: the redelivery's rollback released the confirmed order's stock.
    ReleaseInventory now refuses a CONFIRMED order, so the redelivery escalates and undoes nothing."""
    order = rs.order("happy")
    first = rs.checkout(order)
    assert first.status == "SUCCEEDED"
    crash = RandomFaults(0, (FaultRule(FaultKind.CRASH_AFTER, max_count=1),))
    # The redelivery replays the reservation, then loses the answer.
    rs.control.set_faults(rs.parts.function_name("ReserveInventory"), crash)
    again = rs.checkout(order, name=f"{order['order_id']}-redelivered")
    assert (again.status, again.error) == ("FAILED", "CompensationFailed")
    report = check([first.arn, again.arn])
    assert report.ok, report.violations
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.reservation_status, snapshot.net_charge_minor > 0) == (
        "CONFIRMED", "RESERVED", True
    )
    (kept,) = recover(rs.clients, rs.parts, {again.arn})
    assert not kept.recovered and "CONFIRMED and whole" in kept.detail  # never compensated
    (discarded,) = recover(rs.clients, rs.parts, {again.arn}, discard_confirmed=True)
    assert discarded.recovered and discarded.detail.startswith("discarded")


def test_a_redelivery_after_a_rollback_holds_no_stock(rs, check) -> None:
    order = rs.order("happy")
    fails_before_reserving = RandomFaults(0, (FaultRule(FaultKind.FAIL_BEFORE, max_count=1),))
    rs.control.set_faults(rs.parts.function_name("ReserveInventory"), fails_before_reserving)
    first = rs.checkout(order)
    assert (first.status, first.error) == ("FAILED", "CheckoutFailed")  # rolled back: nothing was reserved
    again = rs.checkout(order, name=f"{order['order_id']}-redelivered")
    assert again.status == "FAILED"
    report = check([first.arn, again.arn])
    assert report.ok, report.violations
