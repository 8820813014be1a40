"""Find the deployed checkout saga's parts from its state machine: functions, tables, dead-letter queue.

Works on AWS and on the emulator alike, and needs nothing but read access: the definition names every
step's function ARN and the escalation's queue URL, and the functions' environments name the tables. The
state names come from the saga's own description (asl.checkout_saga), so they cannot drift from the ASL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from asl.checkout_saga import CHECKOUT_SAGA
from asl.saga_builder import compensations_in_rollback_order, escalate_state
from devstack.clients import AwsClients
from sagactl.errors import UserFacingError

# The stack names its machines <project>-checkout-<stack> and <project>-order-validation-<stack>
# (components.state_machine): a workflow is found by that part of the name, in the region.
WORKFLOW_NAME_PARTS = {
    "checkout": "checkout-saga-checkout",
    "validation": "checkout-saga-order-validation",
    "rollback": "checkout-saga-checkout-rollback",
}
_TABLE_VARIABLES = {
    "payments": "PAYMENTS_TABLE_NAME",
    "inventory": "INVENTORY_TABLE_NAME",
    "orders": "ORDERS_TABLE_NAME",
    "idempotency": "IDEMPOTENCY_TABLE_NAME",
}


class StackNotFound(UserFacingError, LookupError):
    """The checkout saga (or one of its parts) is not deployed where we looked."""


@dataclass(frozen=True)
class TableNames:
    payments: str
    inventory: str
    orders: str
    idempotency: str

    @classmethod
    def from_outputs(cls, outputs: dict[str, Any]) -> TableNames:
        """From the stack outputs (paymentsTableName, ...), where a deployment's are at hand."""
        return cls(
            outputs["paymentsTableName"],
            outputs["inventoryTableName"],
            outputs["ordersTableName"],
            outputs["idempotencyTableName"],
        )


@dataclass(frozen=True)
class SagaStack:
    checkout_arn: str
    validation_arn: str | None
    dead_letter_queue_url: str
    tables: TableNames
    function_arns: dict[str, str]  # state name (ValidateOrder, ProcessPayment, ..., RefundPayment) -> function ARN
    # The rollback workflow of the saga (components/rollback_workflow.py); None: a stack without one.
    rollback_arn: str | None = None

    def function_name(self, state: str) -> str:
        return self.function_arns[state].split(":")[6]

    @property
    def step_function_names(self) -> dict[str, str]:
        """State name -> Lambda function name, for every Lambda the saga calls."""
        return {state: self.function_name(state) for state in self.function_arns}


def saga_state_names() -> list[str]:
    """Every Lambda-backed state of the checkout saga: validation, forward steps, compensations."""
    names = [CHECKOUT_SAGA.validation.name, *(step.name for step in CHECKOUT_SAGA.steps)]
    return names + [compensation.name for compensation in compensations_in_rollback_order(CHECKOUT_SAGA)]


def discover(clients: AwsClients, checkout_arn: str | None = None) -> SagaStack:
    sfn = clients.stepfunctions
    checkout_arn = checkout_arn or find_state_machine(sfn, "checkout")
    states = json.loads(sfn.describe_state_machine(stateMachineArn=checkout_arn)["definition"])["States"]
    function_arns = {state: str(states[state]["Resource"]) for state in saga_state_names()}
    first_compensation = compensations_in_rollback_order(CHECKOUT_SAGA)[0]
    escalation = states[escalate_state(first_compensation)]
    # Parameters in a JSONPath definition, Arguments in a JSONata one.
    queue_url = str((escalation.get("Parameters") or escalation["Arguments"])["QueueUrl"])
    return SagaStack(
        checkout_arn=checkout_arn,
        validation_arn=_validation_machine_of(sfn, checkout_arn),
        dead_letter_queue_url=queue_url,
        tables=_tables_of(clients, list(function_arns.values())),
        function_arns=function_arns,
        rollback_arn=sibling_machine(sfn, checkout_arn, "rollback"),
    )


def find_state_machine(sfn: Any, workflow: str) -> str:
    """The one state machine of the region named like the workflow (checkout, validation)."""
    part = WORKFLOW_NAME_PARTS[workflow]
    matches = [
        machine["stateMachineArn"]
        for page in sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 1000})
        for machine in page["stateMachines"]
        if part in machine["name"] and not _is_other_workflow(machine["name"], workflow)
    ]
    if not matches:
        raise StackNotFound(
            f"no state machine named like '{part}' in this region: is the stack deployed here? "
            "(or pass --state-machine-arn / --region / --endpoint-url)"
        )
    if len(matches) > 1:
        candidates = ", ".join(sorted(matches))
        raise StackNotFound(f"several state machines match '{part}': {candidates}; pass --state-machine-arn")
    return str(matches[0])


def _is_other_workflow(name: str, workflow: str) -> bool:
    """A longer workflow name containing this one's (the checkout's rollback contains the checkout's name)."""
    part = WORKFLOW_NAME_PARTS[workflow]
    return any(
        other != workflow and len(longer) > len(part) and longer.startswith(part) and longer in name
        for other, longer in WORKFLOW_NAME_PARTS.items()
    )


def _validation_machine_of(sfn: Any, checkout_arn: str) -> str | None:
    return sibling_machine(sfn, checkout_arn, "validation")


def sibling_machine(sfn: Any, checkout_arn: str, workflow: str) -> str | None:
    """The stack's `workflow` machine, named like its checkout saga; None when the stack has none."""
    candidate = checkout_arn.replace(WORKFLOW_NAME_PARTS["checkout"], WORKFLOW_NAME_PARTS[workflow])
    try:
        sfn.describe_state_machine(stateMachineArn=candidate)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("StateMachineDoesNotExist", "InvalidArn"):
            return None  # a stack without that workflow: the checks that need it say so
        raise
    return candidate


def _tables_of(clients: AwsClients, function_arns: list[str]) -> TableNames:
    lambda_client = clients.client("lambda")
    found: dict[str, str] = {}
    for arn in function_arns:
        variables = lambda_client.get_function_configuration(FunctionName=arn).get("Environment", {})
        for table, variable in _TABLE_VARIABLES.items():
            value = variables.get("Variables", {}).get(variable)
            if value:
                found[table] = value
    missing = sorted(set(_TABLE_VARIABLES) - set(found))
    if missing:
        raise StackNotFound(f"no function of the saga names the {', '.join(missing)} table(s)")
    return TableNames(found["payments"], found["inventory"], found["orders"], found["idempotency"])
