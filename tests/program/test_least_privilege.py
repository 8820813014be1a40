"""Every role may do exactly what its code does: the AWS calls the handlers make, recorded while they run every
saga path in-process (moto), against the grants the program declares for each function's role. The tables and the
payment-token key are created in moto as the program declares them, and each handler runs with its declared
function's environment and context.

A call the role may not make fails on AWS (missing grant); a grant no path uses is privilege nobody needs (or a
path nobody tests). Both directions fail here. Recorded as IAM sees them: a DynamoDB transaction needs the
per-item action of each of its writes; the Encryption SDK's KMS calls are the code's calls too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.client
import confirm_order
import process_payment
import pytest
import refund_payment
import release_inventory
import reserve_inventory
import validate_order
from checkout_domain import dynamodb, idempotency, inventory, orders
from checkout_domain.errors import OrderStateConflictException, TransientError
from checkout_domain.inventory import seed_stock
from checkout_domain.payment_ledger import DynamoDBPaymentLedger
from checkout_domain.payment_token_seal import seal
from moto import mock_aws

from devstack.orders import example_order, fixture_stock

TABLE = "aws:dynamodb/table:Table"
KEY = "aws:kms/key:Key"
FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTIONS = ("validate-order", "process-payment", "reserve-inventory", "release-inventory", "refund-payment",
             "confirm-order")
TRANSACTION_ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                            "ConditionCheck": "ConditionCheckItem"}
# Granted for what the *services* do with the role (CloudWatch Logs, X-Ray, DynamoDB's use of the table key):
# the code makes none of these calls itself.
SERVICE_STATEMENTS = {"WriteOwnLogs", "WriteTraces", "UseTableKeyThroughDynamoDB"}
Grant = tuple[str, str]  # (logical resource, IAM action)


@dataclass(frozen=True)
class LambdaContext:
    """The context Lambda passes the declared function's handler."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = "req-0001"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


@dataclass
class StackInMoto:
    """The declared stack's tables and payment-token key, in moto; what each declared function gets."""

    logical_tables: dict[str, str]  # table name -> the program's (logical) name for it
    environments: dict[str, dict[str, str]]  # function -> its environment (the token key's ARN: moto's key)
    contexts: dict[str, LambdaContext]  # function -> its Lambda context

    def table(self, logical: str) -> str:
        (name,) = [name for name, table in self.logical_tables.items() if table == logical]
        return name

    @contextmanager
    def environment_of(self, function: str) -> Iterator[None]:
        """Exactly the function's declared environment, for as long as its handler runs."""
        declared_anywhere = {name for environment in self.environments.values() for name in environment}
        with pytest.MonkeyPatch.context() as patch:
            for name in declared_anywhere:
                patch.delenv(name, raising=False)
            for name, value in self.environments[function].items():
                patch.setenv(name, value)
            yield


@pytest.fixture
def stack_in_moto(declared_stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StackInMoto]:
    """The declared stack's tables (keys, attributes, billing as declared) and payment-token key created in moto."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KMS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)  # an emulator endpoint in the shell must not leak in
    region = declared_stack.cloud.region
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    tables = declared_stack.cloud.of_type(TABLE)
    functions = declared_stack.cloud.of_type(FUNCTION)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=region)
        for table in tables:
            keys = [(table.inputs["hashKey"], "HASH")]
            if table.inputs.get("rangeKey"):
                keys.append((table.inputs["rangeKey"], "RANGE"))
            client.create_table(
                TableName=table.outputs["name"],
                KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in keys],
                AttributeDefinitions=[{"AttributeName": a["name"], "AttributeType": a["type"]}
                                      for a in table.inputs["attributes"]],
                BillingMode=table.inputs["billingMode"],
            )
        token_key_arn = boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]
        declared_token_key_arn = declared_stack.cloud.named(KEY, "payment-token").outputs["arn"]
        # The checkout backend seals tokens with the stack's key (outside any handler).
        monkeypatch.setenv("PAYMENT_TOKEN_KEY_ARN", token_key_arn)
        in_moto = StackInMoto(
            logical_tables={table.outputs["name"]: table.name for table in tables},
            environments={
                function.name: {
                    name: token_key_arn if value == declared_token_key_arn else value
                    for name, value in function.inputs["environment"]["variables"].items()
                }
                for function in functions
            },
            contexts={
                function.name: LambdaContext(
                    function.inputs["name"], function.inputs["memorySize"], function.outputs["arn"],
                    function.inputs["timeout"],
                )
                for function in functions
            },
        )
        # Both long-lived clients are rebuilt inside the mock, whatever the shell's environment was at import.
        dynamodb.client.cache_clear()
        monkeypatch.setattr(idempotency.persistence_layer, "client", client)
        monkeypatch.setattr(idempotency.persistence_layer, "table_name", in_moto.table("idempotency"))
        yield in_moto
        dynamodb.client.cache_clear()


class CallRecorder:
    """Records, per function, every AWS call made while that function's handler runs."""

    def __init__(self, logical_tables: dict[str, str]) -> None:
        self.calls: dict[str, set[Grant]] = defaultdict(set)
        self.logical_tables = logical_tables
        self._function: str | None = None

    @contextmanager
    def running(self, function: str) -> Iterator[None]:
        outer, self._function = self._function, function  # one handler may run while another is in flight
        try:
            yield
        finally:
            self._function = outer

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        if self._function is not None:
            self.calls[self._function] |= as_iam_grants(service, operation, params, self.logical_tables)


def as_iam_grants(service: str, operation: str, params: dict[str, Any], logical_tables: dict[str, str]) -> set[Grant]:
    if service == "kms":
        return {("payment-token", f"kms:{operation}")}
    if service != "dynamodb":
        return {(service, f"{service}:{operation}")}
    if operation == "TransactWriteItems":
        return {
            (logical_tables[request["TableName"]], f"dynamodb:{TRANSACTION_ITEM_ACTIONS[kind]}")
            for item in params["TransactItems"]
            for kind, request in item.items()
        }
    return {(logical_tables[params["TableName"]], f"dynamodb:{operation}")}


@pytest.fixture
def recorder(stack_in_moto: StackInMoto, monkeypatch: pytest.MonkeyPatch) -> CallRecorder:
    recorder = CallRecorder(stack_in_moto.logical_tables)
    original = botocore.client.BaseClient._make_api_call

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        recorder.record(client.meta.service_model.service_name, operation, params)
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return recorder


def run_every_saga_path(stack: StackInMoto, recorder: CallRecorder, seal_on_the_client: bool) -> None:
    def step(function: Any, event: Any, expected: type[Exception] | None = None) -> Any:
        name = function.__name__.replace("_", "-")
        with recorder.running(name), stack.environment_of(name):
            if expected is None:
                return function.lambda_handler(event, stack.contexts[name])
            with pytest.raises(expected):
                function.lambda_handler(event, stack.contexts[name])
            return None

    def validated(example: str, order_id: str) -> dict[str, Any]:
        order = example_order(example, order_id)
        if seal_on_the_client:  # as the checkout backend does where plaintext tokens are refused
            order["payment_token"] = seal(order["payment_token"], order_id)
        return {"order": step(validate_order, order), "results": {}}

    seed_stock(stack.table("inventory"), fixture_stock())  # the examples' stock: the out-of-stock one has none
    happy = validated("happy", "ord-happy")
    happy["results"]["ProcessPayment"] = step(process_payment, happy)
    happy["results"]["ReserveInventory"] = step(reserve_inventory, happy)
    with throttled(orders, "confirm"):  # a failed attempt removes its in-progress record, so a retry can run
        step(confirm_order, happy, TransientError)
    step(confirm_order, happy)
    for function in (process_payment, reserve_inventory, confirm_order):  # redeliveries replay the result
        step(function, happy)

    declined = validated("declined", "ord-declined")
    step(process_payment, declined, process_payment.PaymentDeclinedException)

    out_of_stock = validated("out-of-stock", "ord-short")
    out_of_stock["results"]["ProcessPayment"] = step(process_payment, out_of_stock)
    step(reserve_inventory, out_of_stock, reserve_inventory.InventoryDepletedException)
    step(refund_payment, out_of_stock)

    unknown_outcome = validated("happy", "ord-unknown")
    unknown_outcome["results"]["ProcessPayment"] = step(process_payment, unknown_outcome)
    step(reserve_inventory, unknown_outcome)  # its result lost: the saga compensates both steps
    with throttled(inventory, "release"):
        step(release_inventory, unknown_outcome, TransientError)
    step(release_inventory, unknown_outcome)
    with throttled(orders, "mark_failed"):
        step(refund_payment, unknown_outcome, TransientError)
    step(refund_payment, unknown_outcome)

    nothing_reserved = validated("happy", "ord-nothing-reserved")  # ReserveInventory failed before reserving
    nothing_reserved["results"]["ProcessPayment"] = step(process_payment, nothing_reserved)
    step(release_inventory, nothing_reserved)  # closes the order to a late reservation
    step(refund_payment, nothing_reserved)

    late_charge = validated("happy", "ord-late-charge")  # ProcessPayment outlived its task: the rollback ran meanwhile
    with running_before_the_charge(lambda: step(refund_payment, late_charge, TransientError)):  # waits for the charge
        step(process_payment, late_charge, OrderStateConflictException)  # refunds its own charge
    step(refund_payment, late_charge)  # the rollback's retry finds that refund

    retried = validated("happy", "ord-retried")
    with throttled(DynamoDBPaymentLedger, "charge"):  # recorded PENDING, then failed: the retry moves its deadline on
        step(process_payment, retried, TransientError)
    step(process_payment, retried)

    with replays_read_back_with_get_item():
        for function in (process_payment, reserve_inventory, release_inventory, refund_payment):
            step(function, unknown_outcome)
        step(confirm_order, happy)


@contextmanager
def throttled(module: Any, function: str) -> Iterator[None]:
    """The domain call fails as DynamoDB throttling surfaces (TransientError), once."""

    def throttle(*args: Any, **kwargs: Any) -> Any:
        raise TransientError("throttled")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, function, throttle)
        yield


@contextmanager
def running_before_the_charge(compensation: Callable[[], Any]) -> Iterator[None]:
    charge = DynamoDBPaymentLedger.charge

    def charge_after_the_compensation(ledger: DynamoDBPaymentLedger, **kwargs: Any) -> Any:
        compensation()
        return charge(ledger, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DynamoDBPaymentLedger, "charge", charge_after_the_compensation)
        yield


@contextmanager
def replays_read_back_with_get_item() -> Iterator[None]:
    """powertools' fallback when a conditional write returns no old record (an SDK without
    ReturnValuesOnConditionCheckFailure, or a record that expired in between): it reads the record."""
    layer = idempotency.persistence_layer
    saved = layer.return_value_on_condition
    layer.return_value_on_condition = {}
    try:
        yield
    finally:
        layer.return_value_on_condition = saved


def code_grants(stack: Any, function: str) -> set[Grant]:
    logical = {r.outputs["arn"]: r.name for r in stack.resources if r.type in (TABLE, KEY)}
    grants: set[Grant] = set()
    for statement in stack.cloud.named(ROLE_POLICY, f"{function}-policy").policy_statements():
        if statement["Sid"] not in SERVICE_STATEMENTS:
            grants |= {(logical[arn], action) for arn in statement["Resource"] for action in statement["Action"]}
    return grants


def test_each_role_grants_exactly_the_calls_its_code_makes(
    declared_stack: Any, stack_in_moto: StackInMoto, recorder: CallRecorder, monkeypatch: pytest.MonkeyPatch
):
    accept_plaintext = declared_stack.name == "dev"  # as Pulumi.<stack>.yaml says
    monkeypatch.setenv("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", str(accept_plaintext).lower())

    run_every_saga_path(stack_in_moto, recorder, seal_on_the_client=not accept_plaintext)

    mismatches = {
        function: {"used but not granted": used - granted, "granted but not used": granted - used}
        for function in FUNCTIONS
        if (used := recorder.calls[function]) != (granted := code_grants(declared_stack, function))
    }
    assert mismatches == {}, json.dumps(mismatches, indent=2, default=sorted)


def test_prod_table_users_may_use_the_table_key_through_dynamodb_only(declared_stacks: dict[str, Any]):
    prod = declared_stacks["prod"]
    data_key = prod.cloud.named(KEY, "data").outputs["arn"]
    for function in FUNCTIONS:
        statements = {s["Sid"]: s for s in prod.cloud.named(ROLE_POLICY, f"{function}-policy").policy_statements()}
        uses_tables = any(a.startswith("dynamodb:") for s in statements.values() for a in s["Action"])
        assert ("UseTableKeyThroughDynamoDB" in statements) is uses_tables, function
        if uses_tables:
            statement = statements["UseTableKeyThroughDynamoDB"]
            assert statement["Resource"] == [data_key]
            assert statement["Condition"]["StringEquals"]["kms:ViaService"] == "dynamodb.eu-west-1.amazonaws.com"


def test_only_the_payment_step_may_unseal_and_only_dev_s_validation_may_seal(declared_stacks: dict[str, Any]):
    for name, stack in declared_stacks.items():
        token_key = stack.cloud.named(KEY, "payment-token").outputs["arn"]
        users: dict[str, set[str]] = {}
        for function in FUNCTIONS:
            for statement in stack.cloud.named(ROLE_POLICY, f"{function}-policy").policy_statements():
                if token_key in statement["Resource"]:
                    users.setdefault(function, set()).update(statement["Action"])
        expected = {"process-payment": {"kms:Decrypt"}}
        if name == "dev":
            expected["validate-order"] = {"kms:GenerateDataKey"}
        assert users == expected, name
