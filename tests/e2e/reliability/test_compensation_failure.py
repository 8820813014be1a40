"""A compensation that keeps failing: escalated to the dead-letter queue, then recovered once the cause is gone."""

from __future__ import annotations

import json

import pytest

from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from sagactl.__main__ import main as sagactl_main
from sagactl.reliability import dead_letters
from sagactl.reliability.recovery import recover

pytestmark = pytest.mark.e2e

ALWAYS_FAILS = RandomFaults(0, (FaultRule(FaultKind.FAIL_BEFORE, error_type="PaymentProviderUnavailable"),))


def letters_of(rs, execution_arn: str) -> list[dead_letters.DeadLetter]:
    """The dead letters about a saga execution: its own escalation, or its rollback's."""
    queue = dead_letters.peek(rs.clients.client("sqs"), rs.parts.dead_letter_queue_url, long_poll=False)
    return [letter for letter in queue if letter.saga_execution_arn == execution_arn]


def test_a_refund_that_fails_for_good_is_escalated_then_recovered(
    rs, check, capsys: pytest.CaptureFixture[str]
) -> None:
    rs.control.set_faults(rs.parts.function_name("RefundPayment"), ALWAYS_FAILS)
    order = rs.order("out-of-stock")  # charged, then out of stock: the refund is the compensation
    result = rs.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CompensationFailed")
    # JSONata (the default) strips the stack traces inside the escalation; JSONPath ones: tests/e2e/test_saga_paths.py.
    assert result.path[-3:] == ("RefundPayment", "EscalateRefundPayment", "CompensationFailed")
    (letter,) = letters_of(rs, result.arn)
    assert (letter.order_id, letter.failed_compensation, letter.pending_compensations) == (
        order["order_id"], "RefundPayment", ("RefundPayment",)
    )
    assert letter.body["error"]["Error"] == "PaymentProviderUnavailable"
    report = check([result.arn])
    assert report.ok and report.dead_letters == 1  # escalated, with its dead letter: the invariant holds

    # While the provider is still down, the recovery's rollback escalates in turn: its own dead letter, naming the
    # saga as its origin, replaces the saga's.
    (again,) = recover(rs.clients, rs.parts, {result.arn})
    assert again.recovered and "escalated again" in again.detail, again.detail
    (replacement,) = letters_of(rs, result.arn)
    assert replacement.execution_arn == again.rollback_execution_arn
    assert (replacement.origin_execution_arn, replacement.failed_compensation) == (result.arn, "RefundPayment")
    assert replacement.body["error"]["Error"] == "PaymentProviderUnavailable"
    assert check([result.arn]).ok  # still escalated, the letter now its rollback's
    # A repeated recovery of the same letter is the same rollback execution (named after the letter).
    rollbacks = rs.sfn.list_executions(stateMachineArn=rs.parts.rollback_arn)["executions"]
    assert [e["executionArn"] for e in rollbacks].count(again.rollback_execution_arn) == 1

    rs.control.clear_faults(rs.parts.function_name("RefundPayment"))
    endpoint = ["--endpoint-url", rs.endpoint_url]
    assert sagactl_main(["recover", *endpoint, "--json"]) == 0  # the documented command
    (recovered,) = [r for r in json.loads(capsys.readouterr().out) if r["execution_arn"] == result.arn]
    assert recovered["recovered"], recovered
    assert recovered["detail"] == "ReleaseInventory: NOTHING_TO_RELEASE; RefundPayment: REFUNDED"
    history = rs.sfn.describe_execution(executionArn=recovered["rollback_execution_arn"])
    assert json.loads(history["input"])["originExecutionArn"] == result.arn  # the recovery is in the audit trail
    assert letters_of(rs, result.arn) == []
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds, snapshot.net_charge_minor) == ("FAILED", 1, 1, 0)
    assert check([result.arn]).ok  # no dead letter any more: judged as a failure, and it is one

    assert sagactl_main(["recover", *endpoint]) == 0  # again: nothing left, nothing done twice
    assert rs.snapshot(order["order_id"]).refunds == 1


def test_a_failed_release_escalates_both_pending_compensations_and_recovery_runs_them_in_order(
    rs, check
) -> None:
    rs.control.set_faults(rs.parts.function_name("ReleaseInventory"), ALWAYS_FAILS)
    rs.control.set_faults(rs.parts.function_name("ConfirmOrder"), RandomFaults(0, (FaultRule(FaultKind.FAIL_BEFORE),)))
    order = rs.order("happy")
    before = rs.stock()
    result = rs.checkout(order)  # the pivot fails for good, the rollback's first step too
    assert (result.status, result.error) == ("FAILED", "CompensationFailed")
    (letter,) = letters_of(rs, result.arn)
    assert letter.pending_compensations == ("ReleaseInventory", "RefundPayment")
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.reservation_status, snapshot.net_charge_minor > 0) == ("RESERVED", True)  # nothing undone yet

    rs.control.clear_faults()
    (recovered,) = recover(rs.clients, rs.parts, {result.arn})
    assert recovered.recovered, recovered.detail
    assert recovered.detail == "ReleaseInventory: RELEASED; RefundPayment: REFUNDED"
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.reservation_status, snapshot.net_charge_minor) == ("FAILED", "RELEASED", 0)
    assert rs.stock() == before
    assert check([result.arn]).ok
