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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import pytest

from devstack.clients import client_environment
from devstack.domain import seal_payment_token
from devstack.emulator_process import start_emulator_process
from devstack.executions import ExecutionResult
from devstack.orders import example_order
from devstack.stack import FAST_RETRIES, LocalStack, deploy_on

pytestmark = pytest.mark.e2e
SEALED_ONLY = {"checkout-saga:acceptPlaintextPaymentTokens": "false"}
CARD_NUMBER = "4000 0566 5566 5556"  # a Visa debit test number: Luhn-valid, network prefix 4


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
    broken_validation: dict[str, Any] = field(default_factory=dict)  # StartSyncExecution's answer
    captured: dict[str, list[str]] = field(default_factory=dict)  # where -> texts
    # What leaves the stack for a caller or an operator: executions' outcome, sync responses, dead letters.
    answered: dict[str, list[str]] = field(default_factory=dict)

    def outcome(self, stack: str, path: str) -> ExecutionResult:
        (submission,) = [s for s in self.submissions if (s.stack, s.path) == (stack, path)]
        assert submission.result is not None
        return submission.result


def order(example: str, token: str) -> dict[str, Any]:
    document = example_order(example, order_id=f"{example}-{uuid.uuid4().hex[:10]}")
    document["payment_token"] = token
    return document


def distinctive(prefix: str = "tok_visa") -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def seal(stack: LocalStack, token: str, order_id: str) -> str:
    """As the checkout backend seals a token: bound to the order id, under the stack's key."""
    return seal_payment_token(token, order_id, stack.outputs["paymentTokenKeyArn"], stack.client_environment())


def submit(run: Run, stack: LocalStack, path: str, example: str, token: str, sealed_for: str | None = None) -> None:
    """A checkout as the backend submits it: the token sealed for its order (or, to test, for another)."""
    document = order(example, token)
    document["payment_token"] = seal(stack, token, sealed_for or document["order_id"])
    result = stack.checkout(document)
    run.submissions.append(Submission(stack.name, path, token, result=result))


def validate_sync(run: Run, stack: LocalStack, path: str, example: str, token: str) -> None:
    document = order(example, token)
    document["payment_token"] = seal(stack, token, document["order_id"])
    response = stack.clients.stepfunctions.start_sync_execution(
        stateMachineArn=stack.outputs["orderValidationStateMachineArn"], input=json.dumps(document)
    )
    run.submissions.append(Submission(stack.name, path, token, sync_response=response))


def run_every_path(
    run: Run, dev: LocalStack, prod: LocalStack, misconfigured: Callable[..., AbstractContextManager[None]]
) -> None:
    for stack in (dev, prod):
        submit(run, stack, "happy", "happy", distinctive())
        submit(run, stack, "declined", "declined", distinctive("tok_chargeDeclined"))
        submit(run, stack, "out-of-stock", "out-of-stock", distinctive())
        submit(run, stack, "invalid", "invalid", distinctive())
        validate_sync(run, stack, "express-valid", "happy", distinctive())
        validate_sync(run, stack, "express-invalid", "invalid", distinctive())
    submit(run, dev, "sealed-for-another-order", "happy", distinctive(), sealed_for="someone-else")
    submit(run, dev, "sealed-card-number", "happy", CARD_NUMBER)
    with misconfigured("confirm_order", ORDERS_TABLE_NAME="no-such-table"):
        submit(run, dev, "unexpected-failure", "happy", distinctive())
    with misconfigured("refund_payment", PAYMENTS_TABLE_NAME="no-such-table"):
        submit(run, dev, "failed-compensation", "out-of-stock", distinctive())
    # A validation that breaks down (told to seal plaintext tokens, with no key to seal them with): a technical
    # failure on Express. The token is Stripe's public test token, not one of the run's secrets.
    with misconfigured("validate_order", ACCEPT_PLAINTEXT_PAYMENT_TOKENS="true", PAYMENT_TOKEN_KEY_ARN=""):
        run.broken_validation = dev.clients.stepfunctions.start_sync_execution(
            stateMachineArn=dev.outputs["orderValidationStateMachineArn"], input=json.dumps(order("happy", "tok_visa")))

    plaintext = order("happy", distinctive("tok_plaintext"))
    run.plaintext = Submission("dev", "plaintext", plaintext["payment_token"], dev.checkout(plaintext))


def capture_everything(run: Run, stacks: list[LocalStack]) -> None:
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
            run.answered[f"execution {arn}"] = [json.dumps({key: described.get(key) for key in
                                                            ("status", "error", "cause", "output")})]
    run.captured["sync responses"] = [json.dumps(s.sync_response, default=str) for s in run.submissions
                                      if s.sync_response]
    run.answered["sync responses"] = [*run.captured["sync responses"], json.dumps(run.broken_validation, default=str)]
    sqs = clients.client("sqs")
    for stack in stacks:
        queue = stack.outputs["deadLetterQueueUrl"]
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        run.captured[f"dead-letter queue {queue}"] = [m["Body"] for m in messages]
        run.answered[f"dead-letter queue {queue}"] = run.captured[f"dead-letter queue {queue}"]
    dynamodb = clients.dynamodb
    for table in paginate(dynamodb, "list_tables", "TableNames"):
        items = paginate(dynamodb, "scan", "Items", TableName=table)
        run.captured[f"table {table}"] = [json.dumps(item, default=str) for item in items]


def paginate(client: Any, operation: str, key: str, **request: Any) -> list[Any]:
    return [item for page in client.get_paginator(operation).paginate(**request) for item in page[key]]


@pytest.fixture(scope="module")
def run(stack_under_test: Callable[[LocalStack], Any]) -> Iterator[Run]:
    emulator = start_emulator_process()
    try:
        # The test process is the checkout backend: it seals tokens with the emulator's KMS. The monkeypatch
        # records the environment that sealing needs, and puts the test process's own back afterwards.
        with pytest.MonkeyPatch.context() as environment:
            for name, value in client_environment(emulator.endpoint_url).items():
                environment.setenv(name, value)
            stacks = [
                deploy_on(emulator.endpoint_url, "dev", {**FAST_RETRIES, **SEALED_ONLY}),
                deploy_on(emulator.endpoint_url, "prod", FAST_RETRIES),
            ]
            result = Run()
            run_every_path(result, *stacks, misconfigured=stack_under_test(stacks[0]).misconfigured)
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


def test_no_token_and_no_card_number_appear_anywhere(run: Run, card_like_numbers):
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


def test_no_error_cause_express_answer_or_dead_letter_carries_a_stack_trace(run: Run):
    answers = "\n".join(text for texts in run.answered.values() for text in texts)
    unexpected = run.outcome("dev", "unexpected-failure")
    broken = run.broken_validation
    assert (broken["status"], broken["error"]) == ("FAILED", "RuntimeError")
    assert "PAYMENT_TOKEN_KEY_ARN is not set" in broken["cause"]
    letters = [json.loads(t) for place, texts in run.answered.items() if place.startswith("dead-letter") for t in texts]
    assert letters and all(set(letter["error"]["Cause"]) == {"errorType", "errorMessage"} for letter in letters)
    assert "ResourceNotFoundException" in (unexpected.cause or "")  # the error's type and message stay

    for trace_mark in ("stackTrace", "Traceback", 'File "/'):
        assert trace_mark not in answers, trace_mark
    # The traces exist: the execution history (AWS's audit trail) keeps them, so their absence above is the strip's.
    assert "stackTrace" in "\n".join(run.captured[f"execution {unexpected.arn}"])


def test_the_scan_would_find_card_numbers(card_like_numbers):
    assert card_like_numbers(f"paid with {CARD_NUMBER}, then 4242424242424242 and 3782-822463-10005") == [
        CARD_NUMBER, "4242424242424242", "3782-822463-10005"
    ]
    assert card_like_numbers('"event_timestamp": "1713959670672" Billed Duration: 100 ms 4242424242424241') == []
