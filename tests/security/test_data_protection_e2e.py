"""No payment token and no card number anywhere: every saga path on the emulator, then every captured log line,
every execution history event, every sync response, dead-letter message and table item is scanned.

The stacks: dev, as verbose as a stack gets (state machine logs at ALL with execution data), but with the prod
contract (plaintext tokens refused: acceptPlaintextPaymentTokens=false); and prod itself. The client seals every
token as the checkout backend must (docs/security.md), one distinctive token per path, and one path seals a card
number, as a careless client might. One execution sends a plaintext token: it is refused, and the token stays in
that execution's own data (its caller wrote it into the input, which no stack can un-write).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from checkout_domain.payment_token_seal import seal

from emulator.client_config import client_environment
from emulator.deploy import deploy
from sagactl.aws_clients import AwsClients
from sagactl.executions import ExecutionResult, start_execution, wait_for_execution
from sagactl.local_stack import INVENTORY_FIXTURE, seed_inventory
from tests.emulator.emulator_test_support import EmulatorProcess, start_emulator_process
from tests.security.sensitive_data import card_like_numbers

pytestmark = pytest.mark.e2e
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FAST_RETRIES = {"checkout-saga:retryMaxDelaySeconds": "1"}
SEALED_ONLY = {"checkout-saga:acceptPlaintextPaymentTokens": "false"}
CARD_NUMBER = "4000 0566 5566 5556"  # a Visa debit test number: Luhn-valid, network prefix 4


@dataclass
class Stack:
    name: str
    outputs: dict[str, Any]
    clients: AwsClients

    @property
    def sfn(self) -> Any:
        return self.clients.stepfunctions

    def function_name(self, module: str) -> str:
        return f"checkout-saga-{module.replace('_', '-')}-{self.name}"


@dataclass
class Submission:
    stack: str
    path: str
    token: str
    result: ExecutionResult | None = None
    sync_response: dict[str, Any] | None = None


@dataclass
class Run:
    submissions: list[Submission] = field(default_factory=list)
    plaintext: Submission | None = None
    captured: dict[str, list[str]] = field(default_factory=dict)  # where -> texts

    def outcome(self, stack: str, path: str) -> ExecutionResult:
        (submission,) = [s for s in self.submissions if (s.stack, s.path) == (stack, path)]
        assert submission.result is not None
        return submission.result


def order(example: str, token: str) -> dict[str, Any]:
    document = json.loads((EXAMPLES / f"order-{example}.json").read_text())
    document["order_id"] = f"{example}-{uuid.uuid4().hex[:10]}"
    document["payment_token"] = token
    return dict(document)


def distinctive(prefix: str = "tok_visa") -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


@contextmanager
def misconfigured(stack: Stack, module: str, **variables: str) -> Iterator[None]:
    """Point a function at a table that does not exist: every call fails, as a broken dependency would."""
    lam = stack.clients.client("lambda")
    name = stack.function_name(module)
    original = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {**original, **variables}})
    try:
        yield
    finally:
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": original})


def submit(run: Run, stack: Stack, path: str, example: str, token: str, sealed_for: str | None = None) -> None:
    """A checkout as the backend submits it: the token sealed for its order (or, to test, for another)."""
    document = order(example, token)
    document["payment_token"] = seal(token, sealed_for or document["order_id"], stack.outputs["paymentTokenKeyArn"])
    arn = start_execution(stack.sfn, stack.outputs["checkoutStateMachineArn"], document, document["order_id"])
    result = wait_for_execution(stack.sfn, arn, timeout_s=180)
    run.submissions.append(Submission(stack.name, path, token, result=result))


def validate_sync(run: Run, stack: Stack, path: str, example: str, token: str) -> None:
    document = order(example, token)
    document["payment_token"] = seal(token, document["order_id"], stack.outputs["paymentTokenKeyArn"])
    response = stack.sfn.start_sync_execution(
        stateMachineArn=stack.outputs["orderValidationStateMachineArn"], input=json.dumps(document)
    )
    run.submissions.append(Submission(stack.name, path, token, sync_response=response))


def run_every_path(run: Run, dev: Stack, prod: Stack) -> None:
    for stack in (dev, prod):
        submit(run, stack, "happy", "happy", distinctive())
        submit(run, stack, "declined", "declined", distinctive("tok_chargeDeclined"))
        submit(run, stack, "out-of-stock", "out-of-stock", distinctive())
        submit(run, stack, "invalid", "invalid", distinctive())
        validate_sync(run, stack, "express-valid", "happy", distinctive())
        validate_sync(run, stack, "express-invalid", "invalid", distinctive())
    submit(run, dev, "sealed-for-another-order", "happy", distinctive(), sealed_for="someone-else")
    submit(run, dev, "sealed-card-number", "happy", CARD_NUMBER)
    with misconfigured(dev, "confirm_order", ORDERS_TABLE_NAME="no-such-table"):
        submit(run, dev, "unexpected-failure", "happy", distinctive())
    with misconfigured(dev, "refund_payment", PAYMENTS_TABLE_NAME="no-such-table"):
        submit(run, dev, "failed-compensation", "out-of-stock", distinctive())

    plaintext = order("happy", distinctive("tok_plaintext"))
    arn = start_execution(dev.sfn, dev.outputs["checkoutStateMachineArn"], plaintext, plaintext["order_id"])
    run.plaintext = Submission("dev", "plaintext", plaintext["payment_token"], wait_for_execution(dev.sfn, arn))


def capture_everything(run: Run, stacks: list[Stack]) -> None:
    clients = stacks[0].clients  # one emulator: every stack's resources are in the same account
    logs = clients.client("logs")
    for group in paginate(logs, "describe_log_groups", "logGroups"):
        events = paginate(logs, "filter_log_events", "events", logGroupName=group["logGroupName"])
        run.captured[f"log group {group['logGroupName']}"] = [event["message"] for event in events]
    sfn = clients.stepfunctions
    for stack in stacks:
        machine = stack.outputs["checkoutStateMachineArn"]
        for execution in paginate(sfn, "list_executions", "executions", stateMachineArn=machine):
            arn = execution["executionArn"]
            history = paginate(sfn, "get_execution_history", "events", executionArn=arn)
            described = sfn.describe_execution(executionArn=arn)
            run.captured[f"execution {arn}"] = [json.dumps(e, default=str) for e in [*history, described]]
    run.captured["sync responses"] = [json.dumps(s.sync_response, default=str) for s in run.submissions
                                      if s.sync_response]
    sqs = clients.client("sqs")
    for stack in stacks:
        queue = stack.outputs["deadLetterQueueUrl"]
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        run.captured[f"dead-letter queue {queue}"] = [m["Body"] for m in messages]
    dynamodb = clients.dynamodb
    for table in paginate(dynamodb, "list_tables", "TableNames"):
        items = paginate(dynamodb, "scan", "Items", TableName=table)
        run.captured[f"table {table}"] = [json.dumps(item, default=str) for item in items]


def paginate(client: Any, operation: str, key: str, **request: Any) -> list[Any]:
    return [item for page in client.get_paginator(operation).paginate(**request) for item in page[key]]


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    emulator: EmulatorProcess = start_emulator_process()
    try:
        with pytest.MonkeyPatch.context() as environment:
            # The test process is the checkout backend: it seals tokens with the emulator's KMS.
            for name, value in client_environment(emulator.endpoint_url).items():
                environment.setenv(name, value)
            stacks = []
            for name, overrides in (("dev", {**FAST_RETRIES, **SEALED_ONLY}), ("prod", FAST_RETRIES)):
                deployment = deploy(emulator.endpoint_url, name, config_overrides=overrides)
                clients = AwsClients(region="eu-west-1", endpoint_url=emulator.endpoint_url)
                seed_inventory(clients, deployment.outputs["inventoryTableName"], INVENTORY_FIXTURE)
                stacks.append(Stack(name, deployment.outputs, clients))
            result = Run()
            run_every_path(result, *stacks)
            capture_everything(result, stacks)
            yield result
    finally:
        emulator.stop()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_path_ends_as_it_should_with_sealed_tokens(run: Run, stack: str):
    outcomes = {s.path: (s.result.status, s.result.error) for s in run.submissions if s.stack == stack and s.result}
    expected = {
        "happy": ("SUCCEEDED", None),
        "declined": ("FAILED", "PaymentDeclined"),
        "out-of-stock": ("FAILED", "OutOfStock"),
        "invalid": ("FAILED", "OrderInvalid"),
    }
    if stack == "dev":
        expected |= {
            "sealed-for-another-order": ("FAILED", "PaymentDeclined"),
            "sealed-card-number": ("FAILED", "PaymentDeclined"),
            "unexpected-failure": ("FAILED", "CheckoutFailed"),
            "failed-compensation": ("FAILED", "CompensationFailed"),
        }
    assert outcomes == expected
    syncs = {s.path: s.sync_response["status"] for s in run.submissions if s.stack == stack and s.sync_response}
    assert syncs == {"express-valid": "SUCCEEDED", "express-invalid": "FAILED"}
    assert "invalid_payment_token" in (run.outcome("dev", "sealed-for-another-order").cause or "")


def test_the_scan_covers_what_the_stack_writes(run: Run):
    places = " ".join(run.captured)
    assert "log group /aws/lambda/checkout-saga-process-payment-dev" in places
    assert "log group /aws/vendedlogs/states/checkout-saga-checkout-dev" in places
    assert "log group /aws/vendedlogs/states/checkout-saga-order-validation-dev" in places
    everything = "\n".join(text for texts in run.captured.values() for text in texts)
    for evidence in ("Payment charged", "ExecutionStarted", "ProcessPayment", '"failedCompensation"', "CHARGE"):
        assert evidence in everything
    # Dev's state machine logs include execution data: the sealed tokens are there, and only as ciphertext.
    assert everything.count("payment_token") > 20


def test_no_token_and_no_card_number_appear_anywhere(run: Run):
    secrets = {s.token for s in run.submissions} | {CARD_NUMBER, CARD_NUMBER.replace(" ", "")}
    leaks = {
        (place, secret)
        for place, texts in run.captured.items()
        for text in texts
        for secret in secrets
        if secret in text
    }
    card_like = {(place, card) for place, texts in run.captured.items() for t in texts for card in card_like_numbers(t)}

    assert leaks == set()
    assert card_like == set()


def test_a_plaintext_token_is_refused_and_stays_in_its_own_execution(run: Run):
    assert run.plaintext is not None and run.plaintext.result is not None
    result = run.plaintext.result
    assert (result.status, result.error) == ("FAILED", "OrderInvalid")
    assert [e["field"] for e in json.loads(result.cause)] == ["payment_token"]
    assert run.plaintext.token not in result.cause

    # The caller wrote it into the execution input, which no stack can un-write: it stays in that execution's
    # history (the input, carried until the saga fails) and, where execution data is logged (dev), in that
    # execution's log lines. Not in a handler's log, a table, the dead-letter queue, or any other execution.
    holders = {place: [t for t in texts if run.plaintext.token in t] for place, texts in run.captured.items()}
    holders = {place: texts for place, texts in holders.items() if texts}
    assert set(holders) == {f"execution {result.arn}", "log group /aws/vendedlogs/states/checkout-saga-checkout-dev"}
    assert all(result.arn in line for line in holders["log group /aws/vendedlogs/states/checkout-saga-checkout-dev"])


def test_the_scan_would_find_card_numbers():
    assert card_like_numbers(f"paid with {CARD_NUMBER}, then 4242424242424242 and 3782-822463-10005") == [
        CARD_NUMBER, "4242424242424242", "3782-822463-10005"
    ]
    assert card_like_numbers('"event_timestamp": "1713959670672" Billed Duration: 100 ms 4242424242424241') == []
