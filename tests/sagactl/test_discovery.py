"""sagactl/discovery.py: the stack's state machines found by name, the checkout never mistaken for its rollback."""

from __future__ import annotations

from typing import Any

import pytest

from sagactl.discovery import StackNotFound, find_state_machine

PREFIX = "arn:aws:states:eu-west-1:123456789012:stateMachine:"


class StepFunctions:
    def __init__(self, *names: str) -> None:
        self.names = names

    def get_paginator(self, operation: str) -> Any:
        assert operation == "list_state_machines"
        return self

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        return [{"stateMachines": [{"name": n, "stateMachineArn": PREFIX + n} for n in self.names]}]


STACK = StepFunctions("checkout-saga-checkout-dev", "checkout-saga-checkout-rollback-dev",
                      "checkout-saga-order-validation-dev")


@pytest.mark.parametrize(
    "workflow, machine",
    [
        ("checkout", "checkout-saga-checkout-dev"),
        ("rollback", "checkout-saga-checkout-rollback-dev"),
        ("validation", "checkout-saga-order-validation-dev"),
    ],
)
def test_each_workflow_is_found_by_its_own_name(workflow: str, machine: str) -> None:
    assert find_state_machine(STACK, workflow) == PREFIX + machine


def test_two_stacks_in_one_region_are_still_ambiguous() -> None:
    two = StepFunctions("checkout-saga-checkout-dev", "checkout-saga-checkout-prod",
                        "checkout-saga-checkout-rollback-dev")
    with pytest.raises(StackNotFound, match="several state machines match 'checkout-saga-checkout'"):
        find_state_machine(two, "checkout")
