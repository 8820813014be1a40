"""Real Step Functions executions of the real generated saga, in-process on moto, with scripted Lambdas.

moto runs the definition from `asl.saga_builder` exactly as deployed, except that every Lambda
invocation is answered by a script instead of a container (moto's in-process Lambda needs Docker): per
order id and function, a queue of outcomes, `Raise(...)` or a return value. So histories have AWS's
real shape (LambdaFunction* events, retries, catches, the SQS escalation), in about a second each.
Retry intervals are shortened (1 s, FULL jitter) and attempts reduced so every path stays fast.
"""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaFunction

from asl.checkout_saga import CHECKOUT_SAGA
from asl.policies import RetryPolicy, SagaTiming
from asl.saga_builder import build_saga_definition
from sagactl.aws_clients import AwsClients

REGION = "eu-west-1"
CHECKOUT_MACHINE_NAME = "checkout-saga-checkout-test"  # found by `--workflow checkout`
FAST_RETRY = RetryPolicy(interval_seconds=1, max_attempts=2, backoff_rate=1.0)
FAST_TIMING = SagaTiming(
    task_timeout_seconds=5, step_retry=FAST_RETRY, compensation_retry=FAST_RETRY, pivot_retry=FAST_RETRY
)
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@dataclass(frozen=True)
class Raise:
    """The Lambda raises: Step Functions sees `errorType` as the error, the JSON payload as the cause."""

    error: str
    message: str = "scripted failure"


# What each function returns when the script says nothing: enough for the next step to read.
DEFAULT_RESULTS: Mapping[str, Any] = {
    "process_payment": {"payment_id": "pay-1", "status": "CAPTURED"},
    "reserve_inventory": {"reservation_id": "res-1"},
    "confirm_order": {"status": "CONFIRMED", "payment_id": "pay-1", "reservation_id": "res-1"},
    "refund_payment": {"refund_id": "ref-1"},
    "release_inventory": {"released": True},
}


@dataclass
class ScriptedLambdas:
    """Outcomes keyed by (order id, function); unscripted calls succeed with `DEFAULT_RESULTS`."""

    scripts: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, order_id: str, outcomes: Mapping[str, list[Any]]) -> None:
        with self._lock:
            for function, queue in outcomes.items():
                self.scripts[(order_id, function)] = list(queue)

    def invoke(self, function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        payload = event if isinstance(event, dict) else json.loads(event or "{}")
        order = payload.get("order", payload)
        order_id = str(order.get("order_id", "?"))
        name = function.function_name
        with self._lock:
            self.calls.append((order_id, name))
            queue = self.scripts.get((order_id, name))
            outcome = queue.pop(0) if queue else None
        if isinstance(outcome, Raise):
            body = {"errorType": outcome.error, "errorMessage": outcome.message, "stackTrace": ["  File handler.py"]}
            return json.dumps(body), True, ""
        if outcome is None:
            outcome = payload if name == "validate_order" else DEFAULT_RESULTS.get(name, {})
        return json.dumps(outcome), False, ""


@dataclass
class SagaWorld:
    clients: AwsClients
    checkout_arn: str
    dead_letter_queue_url: str
    lambdas: ScriptedLambdas
    role_arn: str

    def start(
        self,
        order_id: str,
        script: Mapping[str, list[Any]] | None = None,
        name: str | None = None,
        order: Mapping[str, Any] | None = None,
    ) -> str:
        self.lambdas.script(order_id, script or {})
        order = order or {"order_id": order_id, "currency": "EUR", "items": [{"sku": "KB-MECH-01", "quantity": 1}]}
        response = self.clients.stepfunctions.start_execution(
            stateMachineArn=self.checkout_arn, name=name or order_id, input=json.dumps(order)
        )
        return str(response["executionArn"])

    def wait(self, execution_arn: str, timeout_s: float = 15.0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = str(self.clients.stepfunctions.describe_execution(executionArn=execution_arn)["status"])
            if status in TERMINAL:
                return status
            time.sleep(0.05)
        raise TimeoutError(f"{execution_arn} did not finish within {timeout_s} s")


@contextmanager
def saga_world(machine_name: str = CHECKOUT_MACHINE_NAME) -> Iterator[SagaWorld]:
    lambdas = ScriptedLambdas()
    with pytest.MonkeyPatch.context() as patch, mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        # A plain function, so moto's LambdaFunction is passed in as `self` like to the method it replaces.
        patch.setattr(LambdaFunction, "_invoke_lambda", lambda function, event=None: lambdas.invoke(function, event))
        clients = AwsClients(region=REGION)
        role_arn = clients.client("iam").create_role(
            RoleName="checkout-saga-test", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
        )["Role"]["Arn"]
        arns = {function: _create_function(clients, function, role_arn) for function in CHECKOUT_SAGA.functions}
        queue_url = clients.client("sqs").create_queue(QueueName="checkout-dlq")["QueueUrl"]
        definition = build_saga_definition(CHECKOUT_SAGA, arns, queue_url, FAST_TIMING)
        checkout_arn = clients.stepfunctions.create_state_machine(
            name=machine_name, definition=json.dumps(definition), roleArn=role_arn
        )["stateMachineArn"]
        yield SagaWorld(clients, checkout_arn, queue_url, lambdas, role_arn)


def _create_function(clients: AwsClients, function: str, role_arn: str) -> str:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context):\n    return event\n")
    response = clients.client("lambda").create_function(
        FunctionName=function,
        Runtime="python3.13",
        Role=role_arn,
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    return str(response["FunctionArn"])
