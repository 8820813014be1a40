"""The generated rollback workflow: reverse compensations, the saga's own payloads, retries and escalation, and
an order past the pivot left alone."""

from __future__ import annotations

import json

import pytest
from statelint.linter import Linter

from asl.checkout_saga import CHECKOUT_SAGA
from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep
from asl.policies import RetryPolicy, SagaTiming
from asl.rollback_builder import build_rollback_definition, rollback_input
from asl.saga_builder import build_saga_definition

ARNS = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in CHECKOUT_SAGA.functions}
DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-dlq"
TIMING = SagaTiming(in_progress_retry=RetryPolicy(interval_seconds=2, max_attempts=6, backoff_rate=1.0, jitter=False))
COMMITTED = "OrderStateConflictException"


@pytest.fixture(scope="module")
def rollback() -> dict:
    return build_rollback_definition(CHECKOUT_SAGA, ARNS, DLQ, TIMING)


@pytest.fixture(scope="module")
def saga() -> dict:
    return build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, TIMING)


def test_definition_passes_statelint(rollback):
    assert Linter.validate(json.dumps(rollback)) == []


def test_every_compensation_runs_in_reverse_step_order(rollback, walk):
    path = walk(rollback)
    assert path == ["ReadOriginalOrder", "ValidateOrder", "ReleaseInventory", "RefundPayment", "RolledBack"]


def test_the_original_order_is_read_from_the_sagas_input_text_and_normalized_again(rollback):
    read = rollback["States"]["ReadOriginalOrder"]["Parameters"]
    assert read["order.$"] == "States.StringToJson($.originalInput)"
    assert read["results"] == {}
    validate = rollback["States"]["ValidateOrder"]
    assert validate["Resource"] == ARNS["validate_order"]
    assert (validate["InputPath"], validate["ResultPath"]) == ("$.order", "$.order")
    assert rollback_input('{"order_id": "o-1"}', "arn:origin", "ABORTED") == {
        "originalInput": '{"order_id": "o-1"}',
        "originExecutionArn": "arn:origin",
        "reason": "ABORTED",
    }


@pytest.mark.parametrize("compensation", ["ReleaseInventory", "RefundPayment"])
def test_compensations_are_the_sagas_own_payload_and_retries(rollback, saga, compensation):
    """The same function, payload (hence idempotency key: the order id) and retries as the saga's compensation;
    the rollback only adds, first, that finding the saga past its pivot is not retried."""
    mine, theirs = rollback["States"][compensation], saga["States"][compensation]
    for field in ("Resource", "Parameters", "ResultPath", "TimeoutSeconds"):
        assert mine[field] == theirs[field], field
    assert mine["Retry"][0] == {"ErrorEquals": [COMMITTED], "MaxAttempts": 0}
    assert mine["Retry"][1:] == theirs["Retry"]
    past_the_pivot = {"ErrorEquals": [COMMITTED], "Next": "PastThePivot", "ResultPath": "$.compensationFailure"}
    assert mine["Catch"][0] == past_the_pivot
    assert mine["Catch"][1:] == theirs["Catch"]


@pytest.mark.parametrize("compensation", ["ReleaseInventory", "RefundPayment"])
def test_an_order_past_the_pivot_is_left_alone(rollback, walk, compensation):
    path = walk(rollback, {compensation: COMMITTED})
    assert path[-2:] == [compensation, "PastThePivot"]
    assert rollback["States"]["PastThePivot"]["Type"] == "Succeed"
    assert "RefundPayment" not in path[:-2] or compensation == "RefundPayment"


def test_an_order_never_accepted_has_nothing_to_undo(rollback, walk):
    assert walk(rollback, {"ValidateOrder": "InvalidOrderException"}) == [
        "ReadOriginalOrder",
        "ValidateOrder",
        "NothingToUndo",
    ]


@pytest.mark.parametrize(
    "failed, pending",
    [("ReleaseInventory", ["ReleaseInventory", "RefundPayment"]), ("RefundPayment", ["RefundPayment"])],
)
def test_a_compensation_that_still_fails_escalates_naming_the_order_it_and_the_origin(rollback, saga, walk,
                                                                                      failed, pending):
    path = walk(rollback, {failed: "States.TaskFailed"})
    assert path[-2:] == [f"Escalate{failed}", "CompensationFailed"]
    escalation = rollback["States"][f"Escalate{failed}"]
    body = escalation["Parameters"]["MessageBody"]
    assert body["orderId.$"] == "$.order.order_id"
    assert body["failedCompensation"] == failed
    assert body["pendingCompensations"] == pending
    assert body["executionArn.$"] == "$$.Execution.Id"
    assert (body["originExecutionArn.$"], body["reason.$"]) == ("$.originExecutionArn", "$.reason")
    assert escalation["Parameters"]["QueueUrl"] == DLQ
    assert escalation["Retry"] == saga["States"][f"Escalate{failed}"]["Retry"]


def test_a_validation_that_breaks_down_escalates_every_compensation(rollback, walk):
    path = walk(rollback, {"ValidateOrder": "Lambda.ServiceException"})
    assert path[-2:] == ["EscalateReleaseInventory", "CompensationFailed"]
    assert "ReleaseInventory" not in path


def test_the_rollback_of_any_saga_covers_its_compensations_in_reverse(walk):
    def step(name: str, undo: bool = True, pivot: bool = False) -> SagaStep:
        compensation = Compensation(f"Undo{name}", f"undo_{name.lower()}") if undo else None
        return SagaStep(name, name.lower(), compensation=compensation, pivot=pivot)

    trip = Saga(
        comment="trip",
        validation=ValidationStep("Check", "check", BusinessError("Invalid", "Rejected")),
        steps=(step("BookFlight"), step("Notify", undo=False), step("BookHotel"), step("Pay", undo=False, pivot=True)),
    )
    arns = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in trip.functions}
    definition = build_rollback_definition(trip, arns, "q")
    assert Linter.validate(json.dumps(definition)) == []
    # No committed error declared: a compensation's failure escalates, nothing is skipped as past the pivot.
    assert definition["States"]["UndoBookHotel"]["Retry"][0]["ErrorEquals"] == ["States.ALL"]
    assert "PastThePivot" not in definition["States"]
    assert walk(definition) == ["ReadOriginalOrder", "Check", "UndoBookHotel", "UndoBookFlight", "RolledBack"]
    with pytest.raises(ValueError, match="undo_bookflight"):
        build_rollback_definition(trip, {f: a for f, a in arns.items() if f != "undo_bookflight"}, "q")
    with pytest.raises(ValueError, match="nothing to roll back"):
        build_rollback_definition(Saga("x", trip.validation, (step("Pay", undo=False, pivot=True),)), arns, "q")
