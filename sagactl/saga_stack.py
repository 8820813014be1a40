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
from sagactl.aws_clients import AwsClients
from sagactl.store_snapshot import TableNames

# The stack names its machines <project>-checkout-<stack> and <project>-order-validation-<stack>.
CHECKOUT_NAME_PART = "checkout-saga-checkout"
VALIDATION_NAME_PART = "checkout-saga-order-validation"
_TABLE_VARIABLES = {
    "payments": "PAYMENTS_TABLE_NAME",
    "inventory": "INVENTORY_TABLE_NAME",
    "orders": "ORDERS_TABLE_NAME",
    "idempotency": "IDEMPOTENCY_TABLE_NAME",
}


class StackNotFound(LookupError):
    """The checkout saga (or one of its parts) is not deployed where we looked."""


@dataclass(frozen=True)
class SagaStack:
    checkout_arn: str
    validation_arn: str | None
    dead_letter_queue_url: str
    tables: TableNames
    function_arns: dict[str, str]  # state name (ValidateOrder, ProcessPayment, ..., RefundPayment) -> function ARN

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
    checkout_arn = checkout_arn or _state_machine_named(sfn, CHECKOUT_NAME_PART)
    states = json.loads(sfn.describe_state_machine(stateMachineArn=checkout_arn)["definition"])["States"]
    function_arns = {state: str(states[state]["Resource"]) for state in saga_state_names()}
    first_compensation = compensations_in_rollback_order(CHECKOUT_SAGA)[0]
    queue_url = str(states[escalate_state(first_compensation)]["Parameters"]["QueueUrl"])
    return SagaStack(
        checkout_arn=checkout_arn,
        validation_arn=_validation_machine_of(sfn, checkout_arn),
        dead_letter_queue_url=queue_url,
        tables=_tables_of(clients, list(function_arns.values())),
        function_arns=function_arns,
    )


def _state_machine_named(sfn: Any, name_part: str) -> str:
    matches = [
        machine["stateMachineArn"]
        for page in sfn.get_paginator("list_state_machines").paginate()
        for machine in page["stateMachines"]
        if name_part in machine["name"]
    ]
    if len(matches) != 1:
        found = ", ".join(matches) or "none"
        raise StackNotFound(f"expected one state machine named like '{name_part}', found {found}")
    return str(matches[0])


def _validation_machine_of(sfn: Any, checkout_arn: str) -> str | None:
    candidate = checkout_arn.replace(CHECKOUT_NAME_PART, VALIDATION_NAME_PART)
    try:
        sfn.describe_state_machine(stateMachineArn=candidate)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("StateMachineDoesNotExist", "InvalidArn"):
            return None  # a stack without the Express workflow: the checks that need it say so
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
