"""Which states are compensations, derived from the definition alone (so `trace` works on any machine)."""

from __future__ import annotations

import pytest

from asl.checkout_saga import CHECKOUT_SAGA
from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep
from asl.saga_builder import build_saga_definition
from asl.validation_builder import build_validation_definition
from sagactl.audit import AuditError, derive_compensations, graph_from_definition
from sagactl.audit.compensations import catch_depths, resolve_compensations

DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq"


def arns(saga: Saga) -> dict[str, str]:
    return {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in saga.functions}


def described_compensations(saga: Saga) -> set[str]:
    return {step.compensation.name for step in saga.steps if step.compensation}


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
def test_checkout_saga_compensations_match_its_description(language):
    definition = build_saga_definition(CHECKOUT_SAGA, arns(CHECKOUT_SAGA), DLQ, query_language=language)
    graph = graph_from_definition(definition)
    assert derive_compensations(graph) == described_compensations(CHECKOUT_SAGA)
    assert derive_compensations(graph) == {"RefundPayment", "ReleaseInventory"}
    (outcome,) = [t for t in graph.outgoing("RollbackOutcome") if t.label != "default"]
    assert outcome.label == "Error == InventoryDepletedException"


def test_escalations_are_one_catch_further_than_compensations():
    graph = graph_from_definition(build_saga_definition(CHECKOUT_SAGA, arns(CHECKOUT_SAGA), DLQ))
    depths = catch_depths(graph)
    assert {name for name, depth in depths.items() if depth == 0} == {
        "ValidateOrder",
        "ProcessPayment",
        "ReserveInventory",
        "ConfirmOrder",
    }
    assert depths["EscalateRefundPayment"] == depths["EscalateReleaseInventory"] == 2
    assert depths["CompensationFailed"] == 2


def test_a_differently_shaped_saga_gets_its_own_compensations():
    travel = Saga(
        comment="Book a trip.",
        validation=ValidationStep("CheckTrip", "check_trip", BusinessError("BadTrip", outcome="TripInvalid")),
        steps=(
            SagaStep("BookFlight", "book_flight", Compensation("CancelFlight", "cancel_flight")),
            SagaStep(
                "BookHotel",
                "book_hotel",
                Compensation("CancelHotel", "cancel_hotel"),
                business_errors=(BusinessError("NoRooms", outcome="HotelFull"),),
            ),
            SagaStep("ChargeCard", "charge_card", Compensation("RefundCard", "refund_card")),
            SagaStep("SendTickets", "send_tickets", pivot=True),
        ),
    )
    graph = graph_from_definition(build_saga_definition(travel, arns(travel), DLQ))
    assert derive_compensations(graph) == described_compensations(travel)
    assert derive_compensations(graph) == {"CancelFlight", "CancelHotel", "RefundCard"}


def test_a_hand_written_machine_compensates_whatever_runs_after_a_catch():
    definition = {
        "StartAt": "Charge",
        "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship",
                       "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
            "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                     "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Undo"}]},
            "Undo": {"Type": "Parallel", "Next": "Refund", "Branches": []},
            "Refund": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Failed"},
            "Failed": {"Type": "Fail", "Error": "ShippingFailed"},
        },
    }  # fmt: skip
    # No `$.failure` naming convention here: the graph's shape is what counts.
    assert derive_compensations(graph_from_definition(definition)) == {"Refund"}


def test_the_express_validation_has_nothing_to_compensate():
    definition = build_validation_definition(CHECKOUT_SAGA.validation, "arn:aws:lambda:eu-west-1:1:function:v")
    assert derive_compensations(graph_from_definition(definition)) == frozenset()


def test_explicit_compensations_replace_the_derived_ones_and_must_exist():
    graph = graph_from_definition(build_saga_definition(CHECKOUT_SAGA, arns(CHECKOUT_SAGA), DLQ))
    assert resolve_compensations(graph, ["RefundPayment", " EscalateRefundPayment"]) == {
        "RefundPayment",
        "EscalateRefundPayment",
    }
    with pytest.raises(AuditError, match="RefundTheCat"):
        resolve_compensations(graph, ["RefundTheCat"])
