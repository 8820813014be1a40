"""Fixtures of the audit tests.

- ``world``/``executed``: real Step Functions executions of the real generated saga, in-process on moto, with
  scripted Lambdas; every saga path (``paths``, ``each_saga_path``, ``saga_path``) executed once (~3 s).
- ``history``: synthetic execution histories in AWS's exact shapes, for the timeline parser.
- ``stubbed_clients``: real boto3 clients answering from botocore's Stubber (pages longer than moto's).
- ``read_svg``: what a written picture marks, read back from the SVG.
"""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.awslambda.models import LambdaFunction

from asl.checkout_saga import CHECKOUT_SAGA
from asl.policies import RetryPolicy, SagaTiming
from asl.saga_builder import build_saga_definition
from devstack.archives import zip_files
from devstack.clients import AwsClients
from devstack.executions import describe_when_ended
from sagactl.audit import Trail, load_trail

# --- the saga paths: each a script of Lambda outcomes ---------------------------------------------------


@dataclass(frozen=True)
class Raise:
    """The Lambda raises: Step Functions sees ``error`` as the error, the JSON payload as the cause."""

    error: str
    message: str = "scripted failure"


@dataclass(frozen=True)
class SagaPath:
    order_id: str
    script: Mapping[str, list[Any]]  # function -> its outcomes in order; unscripted calls succeed


@dataclass(frozen=True)
class SagaPaths:
    # A transient failure retried once: a happy path may still show a retry.
    happy: SagaPath = SagaPath("ord-happy", {"process_payment": [Raise("TransientError", "payment gateway timed out")]})
    declined: SagaPath = SagaPath(
        "ord-declined", {"process_payment": [Raise("PaymentDeclinedException", "card declined")]}
    )
    out_of_stock: SagaPath = SagaPath(
        "ord-out-of-stock",
        {
            "reserve_inventory": [
                Raise("TransientError", "inventory table throttled"),
                Raise("InventoryDepletedException", "KB-MECH-01 is out of stock (requested 1, available 0)"),
            ]
        },
    )
    invalid: SagaPath = SagaPath(
        "ord-invalid", {"validate_order": [Raise("InvalidOrderException", '[{"field": "currency"}]')]}
    )
    # The pivot fails on every attempt; the release succeeds; the refund fails on every attempt: escalated.
    escalated: SagaPath = SagaPath(
        "ord-escalated",
        {
            "confirm_order": [Raise("OrderServiceUnavailable", "orders API down")] * 3,
            "refund_payment": [Raise("RefundRejected", "payment provider refused the refund")] * 3,
        },
    )

    def all(self) -> tuple[SagaPath, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))


PATHS = SagaPaths()


@pytest.fixture(scope="session")
def paths() -> SagaPaths:
    return PATHS


@pytest.fixture(scope="session")
def failure() -> type[Raise]:
    """``failure(error, message)``: a scripted Lambda outcome that raises."""
    return Raise


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``each_saga_path``: the test runs once per saga path."""
    if "each_saga_path" in metafunc.fixturenames:
        metafunc.parametrize("each_saga_path", PATHS.all(), ids=lambda path: path.order_id)


@pytest.fixture
def saga_path(request: pytest.FixtureRequest) -> SagaPath:
    """One saga path by its field name: ``@pytest.mark.parametrize("saga_path", ["happy"], indirect=True)``."""
    return getattr(PATHS, str(request.param))  # type: ignore[no-any-return]


# --- the moto world ----------------------------------------------------------------------------------

REGION = "eu-west-1"
CHECKOUT_MACHINE_NAME = "checkout-saga-checkout-test"  # found by `--workflow checkout`
# Retry intervals shortened (1 s, FULL jitter) and attempts reduced, so that every path stays fast.
FAST_RETRY = RetryPolicy(interval_seconds=1, max_attempts=2, backoff_rate=1.0)
FAST_TIMING = SagaTiming(
    task_timeout_seconds=5, step_retry=FAST_RETRY, compensation_retry=FAST_RETRY, pivot_retry=FAST_RETRY
)
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
    """Answers every Lambda invocation (moto's own needs Docker) from the scripts: outcomes keyed by
    (order id, function), ``Raise`` or a return value; unscripted calls succeed with ``DEFAULT_RESULTS``."""

    scripts: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, order_id: str, outcomes: Mapping[str, list[Any]]) -> None:
        with self._lock:
            for function, queue in outcomes.items():
                self.scripts[(order_id, function)] = list(queue)

    def invoke(self, function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        payload = event if isinstance(event, dict) else json.loads(event or "{}")
        order = payload.get("order", payload)
        name = function.function_name
        with self._lock:
            queue = self.scripts.get((str(order.get("order_id", "?")), name))
            outcome = queue.pop(0) if queue else None
        if isinstance(outcome, Raise):
            body = {"errorType": outcome.error, "errorMessage": outcome.message, "stackTrace": ["  File handler.py"]}
            return json.dumps(body), True, ""
        if outcome is None:
            outcome = payload if name == "validate_order" else DEFAULT_RESULTS.get(name, {})
        return json.dumps(outcome), False, ""


@dataclass
class SagaWorld:
    """The generated saga definition as deployed, on moto: AWS's real history shapes, in about a second each."""

    clients: AwsClients
    checkout_arn: str
    lambdas: ScriptedLambdas
    role_arn: str
    region: str = REGION
    checkout_name: str = CHECKOUT_MACHINE_NAME

    def start(self, order_id: str, script: Mapping[str, list[Any]] | None = None, machine_arn: str = "") -> str:
        """An execution named after its order, of the checkout saga unless another machine is given."""
        self.lambdas.script(order_id, script or {})
        order = {"order_id": order_id, "currency": "EUR", "items": [{"sku": "KB-MECH-01", "quantity": 1}]}
        response = self.clients.stepfunctions.start_execution(
            stateMachineArn=machine_arn or self.checkout_arn, name=order_id, input=json.dumps(order)
        )
        return str(response["executionArn"])

    def wait(self, execution_arn: str) -> str:
        return str(describe_when_ended(self.clients.stepfunctions, execution_arn)["status"])


@pytest.fixture(scope="package")
def world() -> Iterator[SagaWorld]:
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
            name=CHECKOUT_MACHINE_NAME, definition=json.dumps(definition), roleArn=role_arn
        )["stateMachineArn"]
        yield SagaWorld(clients, checkout_arn, lambdas, role_arn)


def _create_function(clients: AwsClients, function: str, role_arn: str) -> str:
    archive = zip_files({"handler.py": "def handler(event, context):\n    return event\n"})
    response = clients.client("lambda").create_function(
        FunctionName=function, Runtime="python3.13", Role=role_arn, Handler="handler.handler",
        Code={"ZipFile": archive},
    )  # fmt: skip
    return str(response["FunctionArn"])


class ExecutedPaths:
    def __init__(self, world: SagaWorld, arns: dict[str, str]) -> None:
        self.world = world
        self.arns = arns  # order id -> execution ARN
        self._trails: dict[str, Trail] = {}

    def trail(self, path: SagaPath) -> Trail:
        if path.order_id not in self._trails:
            self._trails[path.order_id] = load_trail(self.world.clients, self.arns[path.order_id])
        return self._trails[path.order_id]


@pytest.fixture(scope="package")
def executed(world: SagaWorld) -> ExecutedPaths:
    """Every saga path executed once, concurrently."""
    arns = {path.order_id: world.start(path.order_id, path.script) for path in PATHS.all()}
    for arn in arns.values():
        world.wait(arn)
    return ExecutedPaths(world, arns)


# --- synthetic histories --------------------------------------------------------------------------------

START = datetime(2024, 4, 24, 12, 0, 0, tzinfo=UTC)


class HistoryWriter:
    """Appends events the way Step Functions records them (ids, previousEventId, one ``<kind>EventDetails``
    object per event), and renders the same history as the CloudWatch Logs records of an Express workflow."""

    def __init__(self, start: datetime = START) -> None:
        self.events: list[dict[str, Any]] = []
        self._now = start

    def event(self, kind: str, details: dict[str, Any] | None = None, after_ms: int = 5) -> dict[str, Any]:
        self._now += timedelta(milliseconds=after_ms)
        event: dict[str, Any] = {
            "id": len(self.events) + 1, "previousEventId": len(self.events), "type": kind, "timestamp": self._now
        }
        if details is not None:
            event[_details_key(kind)] = details
        self.events.append(event)
        return event

    def started(self, payload: Any = None) -> HistoryWriter:
        self.event("ExecutionStarted", {"input": json.dumps(payload or {}), "roleArn": "arn:aws:iam::1:role/r"}, 0)
        return self

    def enter(self, name: str, state_type: str = "Task") -> HistoryWriter:
        self.event(f"{state_type}StateEntered", {"name": name, "input": "{}"})
        return self

    def exit(self, name: str, state_type: str = "Task") -> HistoryWriter:
        self.event(f"{state_type}StateExited", {"name": name, "output": "{}"})
        return self

    def lambda_ok(self, took_ms: int = 100) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f", "input": "{}"})
        self.event("LambdaFunctionStarted")
        self.event("LambdaFunctionSucceeded", {"output": "{}"}, took_ms)
        return self

    def lambda_fails(self, error: str, message: str = "boom", took_ms: int = 100, wait_ms: int = 0) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f"}, 5 + wait_ms)
        self.event("LambdaFunctionStarted")
        cause = json.dumps({"errorType": error, "errorMessage": message, "stackTrace": ["line 1"]})
        self.event("LambdaFunctionFailed", {"error": error, "cause": cause}, took_ms)
        return self

    def lambda_times_out(self, took_ms: int = 1000) -> HistoryWriter:
        self.event("LambdaFunctionScheduled", {"resource": "arn:aws:lambda:eu-west-1:1:function:f"})
        self.event("LambdaFunctionStarted")
        self.event("LambdaFunctionTimedOut", {"error": "States.Timeout", "cause": "no answer"}, took_ms)
        return self

    def task_ok(self, resource: str = "sendMessage") -> HistoryWriter:
        self.event("TaskScheduled", {"resource": resource, "resourceType": "sqs", "region": "eu-west-1"})
        self.event("TaskStarted", {"resource": resource, "resourceType": "sqs"})
        self.event("TaskSucceeded", {"resource": resource, "resourceType": "sqs", "output": "{}"}, 20)
        return self

    def task_fails(self, error: str, cause: str = "service said no", wait_ms: int = 0) -> HistoryWriter:
        self.event("TaskScheduled", {"resource": "sendMessage", "resourceType": "sqs"}, 5 + wait_ms)
        self.event("TaskStarted", {"resource": "sendMessage", "resourceType": "sqs"})
        self.event("TaskFailed", {"resource": "sendMessage", "resourceType": "sqs", "error": error, "cause": cause}, 20)
        return self

    def succeeded(self) -> HistoryWriter:
        self.event("ExecutionSucceeded", {"output": "{}"})
        return self

    def failed(self, error: str, cause: str = "") -> HistoryWriter:
        self.event("ExecutionFailed", {"error": error, "cause": cause})
        return self

    def log_records(self, execution_arn: str) -> list[dict[str, Any]]:
        """The same history as AWS writes it to CloudWatch Logs for an Express execution."""
        records = []
        for event in self.events:
            record: dict[str, Any] = {"id": str(event["id"]), "type": event["type"]}
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), None)
            if details is not None:
                record["details"] = details
            record.update(
                previous_event_id=str(event["previousEventId"]),
                event_timestamp=str(int(event["timestamp"].timestamp() * 1000)),
                execution_arn=execution_arn,
                redrive_count="0",
            )
            records.append(record)
        return records

    def out_of_stock(self) -> HistoryWriter:
        """The out-of-stock saga with one transient retry, as the real definition runs it."""
        self.started({"order_id": "ord-1"})
        self.enter("ValidateOrder").lambda_ok().exit("ValidateOrder")
        self.enter("ProcessPayment").lambda_ok().exit("ProcessPayment")
        self.enter("ReserveInventory").lambda_fails("TransientError", "throttled")
        self.lambda_fails("InventoryDepletedException", "KB-MECH-01 is out of stock", wait_ms=1000)
        self.exit("ReserveInventory")
        self.enter("RefundPayment").lambda_ok().exit("RefundPayment")
        self.enter("RollbackOutcome", "Choice").exit("RollbackOutcome", "Choice")
        self.enter("ExplainOutOfStock", "Pass").exit("ExplainOutOfStock", "Pass")
        self.enter("OutOfStock", "Fail").failed("OutOfStock", "KB-MECH-01 is out of stock")
        return self


def _details_key(kind: str) -> str:
    if kind.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if kind.endswith("StateExited"):
        return "stateExitedEventDetails"
    return kind[0].lower() + kind[1:] + "EventDetails"


@pytest.fixture(scope="session")
def history() -> type[HistoryWriter]:
    """``history()`` (or ``history(start=...)``): a new, empty history to write events into."""
    return HistoryWriter


# --- stubbed clients -------------------------------------------------------------------------------------


@dataclass
class StubbedClients:
    """Satisfies `sagactl.audit.loader.Clients`. The Stubber checks each request against the service model
    (names, types, limits such as maxResults) and each canned response against the response shape."""

    region: str = REGION
    clients: dict[str, Any] = field(default_factory=dict)
    stubbers: dict[str, Stubber] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            client = boto3.client(
                service, region_name=self.region, aws_access_key_id="testing", aws_secret_access_key="testing"
            )
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()
        return self.clients[service]

    @property
    def stepfunctions(self) -> Any:
        return self.client("stepfunctions")

    def expect(self, service: str, operation: str, response: dict[str, Any], params: dict[str, Any]) -> None:
        self.client(service)
        self.stubbers[service].add_response(operation, response, params)

    def assert_all_called(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubbed_clients() -> StubbedClients:
    return StubbedClients()


# --- the SVG picture, read back ---------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class SvgElement:
    id: str
    title: str  # Graphviz writes the DOT node name (or `a->b`) as the group's <title>
    classes: frozenset[str]
    fills: tuple[str, ...]  # fill colours of the shapes drawn for it


def _read_svg(path: Path) -> tuple[dict[str, SvgElement], list[SvgElement]]:
    """(state nodes by state name, transitions) of a picture written by `write_pictures`."""
    root = ElementTree.parse(path).getroot()  # also proves the file is well-formed XML
    assert root.tag == f"{SVG}svg"
    nodes: dict[str, SvgElement] = {}
    transitions: list[SvgElement] = []
    for group in root.iter(f"{SVG}g"):
        classes = frozenset((group.get("class") or "").split())
        title = group.findtext(f"{SVG}title") or ""
        fills = tuple(
            shape.get("fill", "")
            for shape in group.iter()  # shapes sit inside the tooltip's <a>, not directly in the group
            if shape.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse") and shape.get("fill") != "none"
        )
        element = SvgElement(group.get("id", ""), title, classes, fills)
        if "state" in classes:
            nodes[title] = element
        elif "transition" in classes:
            transitions.append(element)
    return nodes, transitions


@pytest.fixture(scope="session")
def read_svg() -> Callable[[Path], tuple[dict[str, SvgElement], list[SvgElement]]]:
    return _read_svg
