"""The audit trail of every saga path, from real executions of the generated definition (on moto).

Checked by structure: the states in order, each one's result, retries and the error of every failed
attempt, which states are flagged as compensations, where the Catch fired, and the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from asl.checkout_saga import CHECKOUT_SAGA
from sagactl.audit import Trail, VisitResult, render_timeline

OK, CAUGHT, FAILED = VisitResult.SUCCEEDED, VisitResult.CAUGHT, VisitResult.FAILED


@dataclass(frozen=True)
class Step:
    """What the trail must say about one state visit."""

    name: str
    result: VisitResult = OK
    failed_attempts: tuple[str, ...] = ()  # the error of each failed attempt, in order
    attempts: int | None = None  # defaults to the failures plus one success (or just the failures)
    compensation: bool = False


def expect(trail: Trail, steps: list[Step]) -> None:
    assert trail.path == tuple(step.name for step in steps)
    for visit, step in zip(trail.timeline.visits, steps, strict=True):
        assert visit.result is step.result, visit.name
        assert tuple(a.error.error for a in visit.failed_attempts if a.error) == step.failed_attempts, visit.name
        if visit.state_type == "Task":
            attempts = step.attempts or len(step.failed_attempts) + (step.result is OK)
            assert len(visit.attempts) == attempts, visit.name
            assert visit.retries == attempts - 1, visit.name
        else:
            assert visit.attempts == (), visit.name
        assert trail.is_compensation(visit) is step.compensation, visit.name


def test_happy_path_with_a_transient_retry(executed, paths):
    trail = executed.trail(paths.happy)
    expect(
        trail,
        [
            Step("ValidateOrder"),
            Step("ProcessPayment", failed_attempts=("TransientError",)),
            Step("ReserveInventory"),
            Step("ConfirmOrder"),
        ],
    )
    assert trail.outcome.status == "SUCCEEDED" and trail.outcome.error is None
    assert trail.timeline.first_catch is None
    assert trail.compensations_run == ()
    assert trail.timeline.terminal is not None and trail.timeline.terminal.name == "ConfirmOrder"


def test_declined_card_has_nothing_to_compensate(executed, paths):
    trail = executed.trail(paths.declined)
    expect(
        trail,
        [
            Step("ValidateOrder"),
            # A business error is not retried: one attempt, caught at once.
            Step("ProcessPayment", CAUGHT, failed_attempts=("PaymentDeclinedException",)),
            Step("ExplainPaymentDeclined"),
            Step("PaymentDeclined", FAILED),
        ],
    )
    catch = trail.timeline.first_catch
    assert catch is not None and catch.name == "ProcessPayment" and catch.next_state == "ExplainPaymentDeclined"
    assert trail.compensations_run == ()
    assert trail.outcome.status == "FAILED"
    assert trail.outcome.error is not None and trail.outcome.error.error == "PaymentDeclined"
    assert trail.outcome.error.cause == "card declined"


def test_out_of_stock_refunds_the_payment(executed, paths):
    trail = executed.trail(paths.out_of_stock)
    expect(
        trail,
        [
            Step("ValidateOrder"),
            Step("ProcessPayment"),
            Step("ReserveInventory", CAUGHT, failed_attempts=("TransientError", "InventoryDepletedException")),
            Step("RefundPayment", compensation=True),
            Step("RollbackOutcome"),
            Step("ExplainOutOfStock"),
            Step("OutOfStock", FAILED),
        ],
    )
    catch = trail.timeline.first_catch
    assert catch is not None and catch.error is not None
    assert (catch.name, catch.error.error, catch.next_state) == (
        "ReserveInventory",
        "InventoryDepletedException",
        "RefundPayment",
    )
    assert "KB-MECH-01 is out of stock" in (catch.error.cause or "")
    assert [visit.name for visit in trail.compensations_run] == ["RefundPayment"]
    assert trail.outcome.error is not None and trail.outcome.error.error == "OutOfStock"


def test_invalid_order_stops_at_validation(executed, paths):
    trail = executed.trail(paths.invalid)
    expect(
        trail,
        [
            Step("ValidateOrder", CAUGHT, failed_attempts=("InvalidOrderException",)),
            Step("ExplainOrderInvalid"),
            Step("OrderInvalid", FAILED),
        ],
    )
    assert trail.outcome.error is not None and trail.outcome.error.error == "OrderInvalid"


def test_failed_compensation_is_escalated(executed, paths):
    trail = executed.trail(paths.escalated)
    confirm_failures = ("OrderServiceUnavailable",) * 3  # the pivot retries any error, then gives up
    refund_failures = ("RefundRejected",) * 3
    expect(
        trail,
        [
            Step("ValidateOrder"),
            Step("ProcessPayment"),
            Step("ReserveInventory"),
            Step("ConfirmOrder", CAUGHT, failed_attempts=confirm_failures),
            Step("ReleaseInventory", compensation=True),
            Step("RefundPayment", CAUGHT, failed_attempts=refund_failures, compensation=True),
            # Both failures lose their stack traces before the dead letter carries them.
            *(Step(f"{prefix}EscalateRefundPayment{cause}") for cause in ("Cause", "OriginalCause")
              for prefix in ("", "Parse", "Trim")),
            Step("EscalateRefundPayment"),  # the escalation (SQS) is not itself a compensation
            Step("CompensationFailed", FAILED),
        ],
    )
    refund = trail.timeline.visits[5]
    assert refund.next_state == "EscalateRefundPaymentCause"
    compensations = [(v.name, v.result) for v in trail.compensations_run]
    assert compensations == [("ReleaseInventory", OK), ("RefundPayment", CAUGHT)]
    assert trail.outcome.error is not None and trail.outcome.error.error == "CompensationFailed"


def test_compensations_derived_from_the_deployed_definition_match_the_saga_description(executed, paths):
    described = {step.compensation.name for step in CHECKOUT_SAGA.steps if step.compensation}
    assert executed.trail(paths.happy).compensations == described


def test_timeline_text_lists_every_state_in_order_and_marks_compensations(executed, each_saga_path):
    trail = executed.trail(each_saga_path)
    rows = [line for line in render_timeline(trail).splitlines() if line.startswith("  +")]
    assert len(rows) == len(trail.path)
    for row, visit in zip(rows, trail.timeline.visits, strict=True):
        assert f" {visit.name} " in f"{row} "
        assert ("↩ " + visit.name in row) is trail.is_compensation(visit)
    assert "■ end" in rows[-1]
