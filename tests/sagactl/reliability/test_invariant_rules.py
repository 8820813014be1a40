"""The invariant checker's rules on hand-made executions and tables: each rule catches what it names."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sagactl.reliability.dead_letters import DeadLetter
from sagactl.reliability.execution_records import ExecutionRecord
from sagactl.reliability.invariants import CheckScope, Rule, check
from sagactl.reliability.store_snapshot import StoreState, idempotency_key

NOW = datetime(2025, 1, 1, tzinfo=UTC)
ARN = "arn:aws:states:eu-west-1:123456789012:execution:checkout-saga-checkout-dev:"
ITEMS = [{"sku": "A", "quantity": 2, "unit_price_minor": 500}]
RESERVED_ITEMS = [{"sku": "A", "quantity": 2}]
TOTAL = 1000


def order_input(order_id: str) -> dict[str, Any]:
    return {"order_id": order_id, "customer_id": "c", "currency": "EUR", "payment_token": "tok_visa", "items": ITEMS}


def execution(
    order_id: str, status: str = "SUCCEEDED", error: str | None = None, name: str | None = None
) -> ExecutionRecord:
    return ExecutionRecord(
        arn=ARN + (name or order_id), name=name or order_id, status=status, error=error, cause=None,
        input=order_input(order_id), start=NOW, stop=NOW,
    )


def confirmed_store(order_id: str, stock_left: int = 8) -> StoreState:
    return StoreState(
        orders={order_id: {"status": "CONFIRMED", "total_minor": TOTAL, "items": ITEMS}},
        charges={order_id: {"amount_minor": TOTAL, "payment_id": "pay_1"}},
        refunds={},
        reservations={order_id: {"status": "RESERVED", "reservation_id": "res_1", "items": RESERVED_ITEMS}},
        stock={"A": stock_left},
        idempotency={},
    )


def failed_store(order_id: str) -> StoreState:
    return StoreState(
        orders={order_id: {"status": "FAILED", "total_minor": TOTAL, "items": ITEMS}},
        charges={order_id: {"amount_minor": TOTAL, "payment_id": "pay_1"}},
        refunds={order_id: [{"amount_minor": TOTAL}]},
        reservations={order_id: {"status": "RELEASED", "reservation_id": "res_1", "items": RESERVED_ITEMS}},
        stock={"A": 10},
        idempotency={},
    )


def letter(execution_arn: str, order_id: str, compensation: str = "RefundPayment") -> DeadLetter:
    body = {"executionArn": execution_arn, "orderId": order_id, "failedCompensation": compensation,
            "pendingCompensations": [compensation]}
    return DeadLetter("m-1", "r-1", execution_arn, order_id, compensation, (compensation,), body)


def rules_broken(scope: CheckScope) -> set[Rule]:
    return {violation.rule for violation in check(scope).violations}


def test_a_clean_success_and_a_clean_failure_pass() -> None:
    store = confirmed_store("o1")
    failed = failed_store("o2")
    store = StoreState(
        {**store.orders, **failed.orders}, {**store.charges, **failed.charges}, failed.refunds,
        {**store.reservations, **failed.reservations}, {"A": 8}, {},
    )
    scope = CheckScope([execution("o1"), execution("o2", "FAILED", "OutOfStock")], [], store, baseline_stock={"A": 10})
    report = check(scope)
    assert report.ok, report.violations
    assert (report.executions, report.orders, report.skus_checked) == (2, 2, 1)


def test_a_running_execution_is_not_terminal() -> None:
    assert rules_broken(CheckScope([execution("o1", "RUNNING")], [], confirmed_store("o1"))) == {Rule.TERMINAL}


def test_a_success_without_its_charge_stock_or_confirmation_is_caught() -> None:
    store = confirmed_store("o1")
    store.orders["o1"]["status"] = "PENDING"
    store.charges["o1"]["amount_minor"] = TOTAL * 2
    store.reservations["o1"]["status"] = "RELEASED"
    broken = rules_broken(CheckScope([execution("o1")], [], store))
    assert {Rule.SUCCESS_CONFIRMED, Rule.SUCCESS_CHARGE, Rule.SUCCESS_STOCK, Rule.SETTLED} <= broken


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda s: s.refunds.clear(), Rule.FAILURE_CHARGE),
        (lambda s: s.reservations["o2"].update(status="RESERVED"), Rule.FAILURE_STOCK),
        (lambda s: s.orders["o2"].update(status="PENDING"), Rule.FAILURE_ORDER),
    ],
)
def test_a_failure_that_left_money_stock_or_a_live_order_is_caught(change: Any, rule: Rule) -> None:
    store = failed_store("o2")
    change(store)
    assert rule in rules_broken(CheckScope([execution("o2", "FAILED", "CheckoutFailed")], [], store))


def test_an_escalation_is_accepted_with_its_dead_letter_and_judged_as_a_failure_without() -> None:
    store = failed_store("o3")
    store.refunds.clear()  # the refund is what failed
    escalated = execution("o3", "FAILED", "CompensationFailed")
    assert rules_broken(CheckScope([escalated], [letter(escalated.arn, "o3")], store)) == set()
    assert Rule.FAILURE_CHARGE in rules_broken(CheckScope([escalated], [], store))


def test_a_dead_letter_must_name_the_execution_order_and_an_escalated_execution() -> None:
    escalated = execution("o3", "FAILED", "CompensationFailed")
    wrong_order = CheckScope([escalated], [letter(escalated.arn, "other")], failed_store("o3"))
    assert Rule.ESCALATION in rules_broken(wrong_order)
    succeeded = execution("o1")
    not_escalated = CheckScope([succeeded], [letter(succeeded.arn, "o1")], confirmed_store("o1"))
    assert Rule.DEAD_LETTER in rules_broken(not_escalated)


def test_effects_without_an_owning_execution_are_caught() -> None:
    assert rules_broken(CheckScope([], [], confirmed_store("o1"))) == {Rule.EFFECT_OWNER}
    invalid = execution("o1", "FAILED", "OrderInvalid")
    assert rules_broken(CheckScope([invalid], [], confirmed_store("o1"))) == {Rule.EFFECT_OWNER}


def test_effects_before_the_scope_belong_to_someone_else() -> None:
    store = confirmed_store("old")
    for table in (store.orders, store.charges, store.reservations):
        table["old"]["created_at"] = (NOW - timedelta(hours=1)).isoformat()
    assert check(CheckScope([], [], store, since=NOW)).ok


def test_a_run_scoped_by_its_order_prefix_accounts_for_its_own_orders_only() -> None:
    store = confirmed_store("other-run-1")  # made just now, by someone else: no owner in this scope
    assert not check(CheckScope([], [], store, since=NOW - timedelta(seconds=2), every_execution=False)).ok
    assert check(CheckScope([], [], store, order_prefix="cx-run1-")).ok
    mine = confirmed_store("cx-run1-00001")
    assert rules_broken(CheckScope([], [], mine, order_prefix="cx-run1-")) == {Rule.EFFECT_OWNER}


def test_stock_must_be_conserved() -> None:
    report = check(CheckScope([execution("o1")], [], confirmed_store("o1", stock_left=7), baseline_stock={"A": 10}))
    assert [v.rule for v in report.violations] == [Rule.STOCK_CONSERVED]
    assert "A: 10 before, 7 available + 2 reserved now" in report.violations[0].detail


def test_a_failed_redelivery_of_a_confirmed_order_is_superseded_not_a_failure() -> None:
    first, again = execution("o1"), execution("o1", "FAILED", "CheckoutFailed", name="o1-re0")
    report = check(CheckScope([first, again], [], confirmed_store("o1")))
    assert report.ok and report.superseded_failures == 1


def test_a_confirmed_order_stripped_of_its_stock_is_caught_whatever_the_executions_said() -> None:
    store = confirmed_store("o1", stock_left=10)
    store.reservations["o1"]["status"] = "RELEASED"
    escalated = execution("o1", "FAILED", "CompensationFailed")
    broken = rules_broken(CheckScope([escalated], [letter(escalated.arn, "o1")], store, baseline_stock={"A": 10}))
    assert broken == {Rule.SETTLED}


def test_idempotency_records_stuck_or_replaying_stale_results_are_caught() -> None:
    store = confirmed_store("o1")
    store.idempotency[idempotency_key("ConfirmOrder", "o1")] = {"status": "INPROGRESS"}
    stale = {"status": "COMPLETED", "data": '{"payment_id": "pay_2"}'}
    store.idempotency[idempotency_key("ProcessPayment", "o1")] = stale
    store.idempotency[idempotency_key("ReserveInventory", "o1")] = {
        "status": "INPROGRESS", "in_progress_expiration": 1,
    }
    report = check(CheckScope([execution("o1")], [], store))
    assert [v.rule for v in report.violations] == [Rule.IDEMPOTENCY, Rule.IDEMPOTENCY]
    assert report.abandoned_in_progress_records == 1


def test_violations_name_the_order_and_the_execution() -> None:
    (violation,) = check(CheckScope([execution("o1", "RUNNING")], [], confirmed_store("o1"))).violations
    assert (violation.order_id, violation.execution_arn) == ("o1", ARN + "o1")
    assert replace(violation, detail="x").to_json()["rule"] == "terminal"


def test_checking_chosen_executions_leaves_other_orders_alone() -> None:
    store = confirmed_store("other")
    mine = confirmed_store("o1")
    store.orders.update(mine.orders)
    store.charges.update(mine.charges)
    store.reservations.update(mine.reservations)
    assert check(CheckScope([execution("o1")], [], store, every_execution=False)).ok
    assert rules_broken(CheckScope([execution("o1")], [], store)) == {Rule.EFFECT_OWNER}  # "other" has no owner


@pytest.mark.parametrize("status", ["ABORTED", "TIMED_OUT"])
def test_a_stopped_execution_is_judged_by_what_its_order_became(status: str) -> None:
    stopped = execution("o1", status)
    # Rolled back: the failure rules hold.
    assert check(CheckScope([stopped], [], failed_store("o1"))).ok
    # Past the pivot (the rollback left the confirmed order alone): the success rules hold.
    assert check(CheckScope([stopped], [], confirmed_store("o1"))).ok
    # Not rolled back: still charged and reserved, still PENDING.
    pending = confirmed_store("o1")
    pending.orders["o1"]["status"] = "PENDING"
    assert rules_broken(CheckScope([stopped], [], pending)) == {Rule.FAILURE_CHARGE, Rule.FAILURE_STOCK,
                                                                 Rule.FAILURE_ORDER, Rule.SETTLED}
    # Confirmed but not charged: the success rules catch it.
    unpaid = confirmed_store("o1")
    unpaid.charges.clear()
    assert Rule.SUCCESS_CHARGE in rules_broken(CheckScope([stopped], [], unpaid))


def test_a_stopped_execution_whose_rollback_escalated_is_held_to_the_escalation_rule() -> None:
    stopped = execution("o1", "ABORTED")
    rollback_arn = "arn:aws:states:eu-west-1:123456789012:execution:checkout-saga-checkout-rollback-dev:r1"
    body = {"executionArn": rollback_arn, "originExecutionArn": stopped.arn, "orderId": "o1",
            "failedCompensation": "RefundPayment", "pendingCompensations": ["RefundPayment"]}
    from_rollback = DeadLetter.from_message({"MessageId": "m2", "ReceiptHandle": "h", "Body": json.dumps(body)})
    assert from_rollback.saga_execution_arn == stopped.arn
    pending = confirmed_store("o1")
    pending.orders["o1"]["status"] = "FAILED"
    report = check(CheckScope([stopped], [from_rollback], pending))
    assert report.ok and report.dead_letters == 1
    # Without the letter, the same state is a violation.
    assert not check(CheckScope([stopped], [], pending)).ok
