"""The designs being priced: our happy path is one transition per business step; the seed's sketch is what it is."""

from __future__ import annotations

from asl.checkout_saga import CHECKOUT_SAGA
from asl.saga_builder import build_saga_definition
from sagactl.cost.report import HAPPY_PATH_STEPS
from sagactl.cost.seed_design import SEED_FUNCTIONS, seed_definition

ARNS = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in CHECKOUT_SAGA.functions}


def test_the_happy_checkout_enters_exactly_the_business_steps(walk) -> None:
    definition = build_saga_definition(CHECKOUT_SAGA, ARNS, "https://sqs.eu-west-1.amazonaws.com/1/dlq")
    path = walk(definition)
    assert tuple(path) == HAPPY_PATH_STEPS
    business_steps = (CHECKOUT_SAGA.validation.name, *(step.name for step in CHECKOUT_SAGA.steps))
    assert len(path) == len(business_steps)  # no Pass/Choice on the happy path: one transition per step


def test_the_seed_design_charges_then_reserves_and_refunds_on_any_reservation_error(walk) -> None:
    definition = seed_definition({f: ARNS[f] for f in SEED_FUNCTIONS})
    assert walk(definition) == ["ProcessPayment", "ReserveInventory"]
    assert walk(definition, {"ReserveInventory": "InventoryDepletedException"}) == [
        "ProcessPayment", "ReserveInventory", "RefundPayment"
    ]
    assert walk(definition, {"ProcessPayment": "PaymentDeclinedException"}) == [
        "ProcessPayment", "<uncaught PaymentDeclinedException>"
    ]
    steps = definition["States"]
    assert all(state["Resource"] in ARNS.values() for state in steps.values())
    assert all(state["Parameters"] == {"order.$": "$.order", "results.$": "$.results"} for state in steps.values())
