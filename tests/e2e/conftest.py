"""The whole system on the emulator: the dev stack deployed by devstack, real handlers, real definitions.

``StackUnderTest`` is a LocalStack seen the way the operator tools see it (its parts found by
sagactl.discovery, its tables read by sagactl's store snapshot), with the conveniences the end-to-end tests
share. tests/e2e/reliability builds its own stack (faults, hundreds of sagas) through ``stack_under_test``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from devstack.clients import AwsClients
from devstack.control import EmulatorControl
from devstack.executions import ExecutionResult, wait_for_execution
from devstack.orders import example_order
from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess
from sagactl.discovery import SagaStack, discover
from sagactl.reliability.store_snapshot import OrderSnapshot, idempotency_record, order_snapshot, stock_levels


@dataclass
class StackUnderTest:
    local: LocalStack
    parts: SagaStack  # what the operator commands find: functions, tables, dead-letter queue

    @classmethod
    def of(cls, local: LocalStack) -> StackUnderTest:
        return cls(local, discover(local.clients, local.checkout_arn))

    @property
    def clients(self) -> AwsClients:
        return self.local.clients

    @property
    def endpoint_url(self) -> str:
        return self.local.endpoint_url

    @property
    def outputs(self) -> dict[str, Any]:
        return self.local.outputs

    @property
    def control(self) -> EmulatorControl:
        return self.local.control

    @property
    def sfn(self) -> Any:
        return self.clients.stepfunctions

    @property
    def query_language(self) -> str:
        """The query language of the deployed checkout definition (config queryLanguage)."""
        definition = json.loads(self.sfn.describe_state_machine(stateMachineArn=self.local.checkout_arn)["definition"])
        return str(definition.get("QueryLanguage", "JSONPath"))

    def function_name(self, module: str) -> str:
        return self.local.function_name(module)

    def order(self, example: str, prefix: str = "e2e") -> dict[str, Any]:
        """An example order under an id of its own: ids double as execution names and idempotency keys."""
        return example_order(example, order_id=f"{prefix}-{example}-{uuid.uuid4().hex[:10]}")

    def start(self, order: dict[str, Any], name: str | None = None) -> str:
        return self.local.start_checkout(order, name)

    def checkout(self, order: dict[str, Any], name: str | None = None) -> ExecutionResult:
        return wait_for_execution(self.sfn, self.start(order, name), timeout_s=180)

    def snapshot(self, order_id: str) -> OrderSnapshot:
        return order_snapshot(self.clients.dynamodb, self.parts.tables, order_id)

    def stock(self) -> dict[str, int]:
        return stock_levels(self.clients.dynamodb, self.parts.tables)

    def idempotency_record(self, step: str, order_id: str) -> dict[str, Any] | None:
        return idempotency_record(self.clients.dynamodb, self.parts.tables, step, order_id)

    @contextmanager
    def misconfigured(self, module: str, **variables: str) -> Iterator[None]:
        """Points a function at a table that does not exist: every call fails, as a broken dependency would.

        Each workflow invokes the function versions it was deployed with, so this does what a redeploy would: a new
        function version with these variables, and a new version of every workflow invoking the function that
        invokes the new one (the checkout's `live` alias routed to it; the validation, started by its own ARN, runs
        its newest definition); all put back after."""
        lam, sfn = self.clients.client("lambda"), self.sfn
        name, alias = self.function_name(module), self.local.checkout_alias_arn
        original = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
        function_arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
        deployed = re.compile(re.escape(function_arn) + r":\d+\b")
        definitions = {machine: sfn.describe_state_machine(stateMachineArn=machine)["definition"]
                       for machine in (self.local.checkout_arn, self.local.validation_arn)}
        invoking = {machine: text for machine, text in definitions.items() if deployed.search(text)}
        assert invoking, f"no workflow invokes a published version of {name}"
        routing = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)["routingConfiguration"]
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": {**original, **variables}})
        version = lam.publish_version(FunctionName=name)["Version"]
        for machine, definition in invoking.items():
            broken = sfn.update_state_machine(
                stateMachineArn=machine, definition=deployed.sub(f"{function_arn}:{version}", definition), publish=True
            )["stateMachineVersionArn"]
            if machine == self.local.checkout_arn:
                sfn.update_state_machine_alias(
                    stateMachineAliasArn=alias, routingConfiguration=[{"stateMachineVersionArn": broken, "weight": 100}]
                )
        try:
            yield
        finally:
            lam.update_function_configuration(FunctionName=name, Environment={"Variables": original})
            for machine, definition in invoking.items():
                sfn.update_state_machine(stateMachineArn=machine, definition=definition)
            sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=routing)


@pytest.fixture(scope="session")
def stack_under_test() -> Callable[[LocalStack], StackUnderTest]:
    """Turns a LocalStack started by a test folder of its own into a StackUnderTest."""
    return StackUnderTest.of


@pytest.fixture(scope="session")
def default_stack() -> Iterator[StackUnderTest]:
    """The dev stack with FAST_RETRIES (the deployed retries, their backoff capped at one second)."""
    with in_subprocess(config_overrides=FAST_RETRIES) as local:
        yield StackUnderTest.of(local)


@pytest.fixture(scope="session")
def stack(default_stack: StackUnderTest) -> StackUnderTest:
    """The default stack; a module may override `stack` (test_saga_paths.py runs on two) and still reach it."""
    return default_stack


# The data-protection scan's card-number detector, written independently of the handlers' own card check.
# Card-like: a run of 13-19 digits (single spaces or dashes allowed between them) that passes the Luhn check and
# starts like a card network's number. The network prefix is what keeps millisecond timestamps (13 digits, and
# Luhn-valid one time in ten) out of the findings.

_RUN = re.compile(r"\d(?:[ -]?\d)+")
# Request ids and other UUIDs: their leading groups can be all digits and Luhn-valid by chance.
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
# Hex identifiers: payment, refund and reservation ids (uuid4().hex), X-Ray trace ids, log stream names. A
# hex word of 16+ characters with a letter in it, not glued to other letters or digits ("pay_" prefixes are
# fine), is an identifier, whatever digit run it holds.
_HEX_WORD = re.compile(r"(?<![A-Za-z0-9])(?=\d*[a-fA-F])[0-9a-fA-F]{16,}(?![A-Za-z0-9])")
_NETWORK_PREFIX = re.compile(r"^(?:4|5|6|3[04-9]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))")


def _card_like_numbers(text: str) -> list[str]:
    found = []
    for run in _RUN.finditer(_HEX_WORD.sub(" ", _UUID.sub(" ", text))):
        digits = run.group().replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and _NETWORK_PREFIX.match(digits) and _luhn(digits):
            found.append(run.group())
    return found


def _luhn(digits: str) -> bool:
    checksum = 0
    for index, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if index % 2 else 1)
        checksum += doubled - 9 if doubled > 9 else doubled
    return checksum % 10 == 0


@pytest.fixture(scope="session")
def card_like_numbers() -> Callable[[str], list[str]]:
    """card_like_numbers(text): the card-number-like runs in ``text`` (the data-protection scan)."""
    return _card_like_numbers
