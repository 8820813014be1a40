"""The builder works for any saga description, not just checkout; bad descriptions fail early."""

from __future__ import annotations

import pytest
from statelint.linter import Linter

from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep
from asl.policies import RetryPolicy, SagaTiming
from asl.saga_builder import build_saga_definition, compensations_in_rollback_order
from asl.validation_builder import build_validation_definition

VALIDATE = ValidationStep("Check", "check", BusinessError("Invalid", "Rejected"))


def step(name: str, *, undo: bool = True, errors: tuple[BusinessError, ...] = (), pivot: bool = False):
    compensation = Compensation(f"Undo{name}", f"undo_{name.lower()}") if undo else None
    return SagaStep(name, name.lower(), compensation=compensation, business_errors=errors, pivot=pivot)


TRIP = Saga(
    comment="trip",
    validation=VALIDATE,
    steps=(
        step("BookFlight"),
        step("BookHotel", errors=(BusinessError("NoRooms", "HotelFull"),)),
        step("Notify", undo=False),  # no compensation, not a pivot: nothing to undo for it
        step("BookCar", errors=(BusinessError("NoCars", "CarsGone"),)),
        step("Finalize", undo=False, pivot=True),
    ),
)


def arns(saga: Saga) -> dict[str, str]:
    return {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in saga.functions}


def test_generated_definition_is_valid_asl():
    assert Linter.validate(build_saga_definition(TRIP, arns(TRIP), "q")) == []


def test_rollback_order_is_the_reverse_of_the_steps():
    assert [c.name for c in compensations_in_rollback_order(TRIP)] == ["UndoBookCar", "UndoBookHotel", "UndoBookFlight"]


def test_business_error_in_the_middle_undoes_only_earlier_work(walk):
    definition = build_saga_definition(TRIP, arns(TRIP), "q")
    path = walk(definition, {"BookCar": "NoCars"})
    assert path[5:] == ["UndoBookHotel", "UndoBookFlight", "RollbackOutcome", "ExplainCarsGone", "CarsGone"]


def test_unknown_failure_of_a_step_without_compensation_undoes_earlier_work(walk):
    definition = build_saga_definition(TRIP, arns(TRIP), "q")
    path = walk(definition, {"Notify": "Boom"})
    assert path[4:] == ["UndoBookHotel", "UndoBookFlight", "RollbackOutcome", "CheckoutFailedCause",
                        "ParseCheckoutFailedCause", "TrimCheckoutFailedCause", "CheckoutFailed"]


def test_business_error_after_one_step_undoes_just_that_step(walk):
    definition = build_saga_definition(TRIP, arns(TRIP), "q")
    path = walk(definition, {"BookHotel": "NoRooms"})
    assert path[2:] == ["BookHotel", "UndoBookFlight", "RollbackOutcome", "ExplainHotelFull", "HotelFull"]


@pytest.mark.parametrize(
    "steps, message",
    [
        ((step("A"), step("A")), "unique"),
        ((step("A", undo=False, pivot=True), step("B")), "pivot"),
        ((step("A", pivot=True),), "pivot"),
    ],
)
def test_invalid_descriptions_are_rejected(steps, message):
    with pytest.raises(ValueError, match=message):
        Saga(comment="bad", validation=VALIDATE, steps=steps)


@pytest.mark.parametrize(
    "kwargs",
    [{"interval_seconds": 0}, {"max_attempts": -1}, {"backoff_rate": 0.5}, {"max_delay_seconds": 0}],
)
def test_retry_policies_outside_step_functions_limits_are_rejected(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_validation_definition_outputs_the_normalized_order_or_fails_with_the_errors(walk):
    definition = build_validation_definition(VALIDATE, "arn:aws:lambda:eu-west-1:1:function:check", SagaTiming())
    assert Linter.validate(definition) == []
    assert walk(definition) == ["Check"]
    assert walk(definition, {"Check": "Invalid"}) == ["Check", "ExplainRejected", "Rejected"]
    assert definition["States"]["Rejected"]["CausePath"] == "$.failure.Cause.errorMessage"
    assert "OutputPath" not in definition["States"]["Check"]  # the function's result IS the output


def test_validation_that_breaks_down_fails_under_its_own_error_without_a_stack_trace(walk):
    definition = build_validation_definition(VALIDATE, "arn:aws:lambda:eu-west-1:1:function:check", SagaTiming())

    assert walk(definition, {"Check": "Sandbox.Timedout"}) == [
        "Check", "RecordValidationFailure", "ValidationFailedCause", "ValidationFailed"
    ]
    assert walk(definition, {"Check": "KeyError"}) == [
        "Check", "RecordValidationFailure", "ValidationFailedCause", "ParseValidationFailedCause",
        "TrimValidationFailedCause", "ValidationFailed",
    ]
    failed = definition["States"]["ValidationFailed"]
    assert failed == {"Type": "Fail", "ErrorPath": "$.failure.Error", "CausePath": "States.JsonToString($.failure)"}
