"""Every role may do exactly what its code does: the AWS calls the handlers make, recorded while they run every
saga path in-process (moto), against the grants the program declares for each function's role.

A call the role may not make fails on AWS (missing grant); a grant no path uses is privilege nobody needs (or a
path nobody tests). Both directions fail here. Recorded as IAM sees them: a DynamoDB transaction needs the
per-item action of each of its writes; the Encryption SDK's KMS calls are the code's calls too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.client
import confirm_order
import process_payment
import pytest
import refund_payment
import release_inventory
import reserve_inventory
import validate_order
from checkout_domain import idempotency, inventory, orders
from checkout_domain.errors import OrderStateConflictException, TransientError
from checkout_domain.inventory import seed_stock
from checkout_domain.payment_ledger import DynamoDBPaymentLedger
from checkout_domain.payment_token_seal import seal

from tests.handlers.conftest import aws  # noqa: F401 - the in-process AWS fixture
from tests.handlers.support import (
    IDEMPOTENCY_TABLE,
    INVENTORY_TABLE,
    ORDERS_TABLE,
    PAYMENTS_TABLE,
    FakeLambdaContext,
    raw_order,
)
from tests.pulumi.fake_cloud import policy_statements
from tests.security.conftest import DeclaredStack

pytestmark = pytest.mark.usefixtures("aws")
TABLE = "aws:dynamodb/table:Table"
KEY = "aws:kms/key:Key"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTIONS = ("validate-order", "process-payment", "reserve-inventory", "release-inventory", "refund-payment",
             "confirm-order")
LOGICAL_TABLES = {ORDERS_TABLE: "orders", PAYMENTS_TABLE: "payments", INVENTORY_TABLE: "inventory",
                  IDEMPOTENCY_TABLE: "idempotency"}
TRANSACTION_ITEM_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                            "ConditionCheck": "ConditionCheckItem"}
# Granted for what the *services* do with the role (CloudWatch Logs, X-Ray, DynamoDB's use of the table key):
# the code makes none of these calls itself.
SERVICE_STATEMENTS = {"WriteOwnLogs", "WriteTraces", "UseTableKeyThroughDynamoDB"}
Grant = tuple[str, str]  # (logical resource, IAM action)


class CallRecorder:
    """Records, per function, every AWS call made while that function's handler runs."""

    def __init__(self) -> None:
        self.calls: dict[str, set[Grant]] = defaultdict(set)
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
            self.calls[self._function] |= as_iam_grants(service, operation, params)


def as_iam_grants(service: str, operation: str, params: dict[str, Any]) -> set[Grant]:
    if service == "kms":
        return {("payment-token", f"kms:{operation}")}
    if service != "dynamodb":
        return {(service, f"{service}:{operation}")}
    if operation == "TransactWriteItems":
        return {
            (LOGICAL_TABLES[request["TableName"]], f"dynamodb:{TRANSACTION_ITEM_ACTIONS[kind]}")
            for item in params["TransactItems"]
            for kind, request in item.items()
        }
    return {(LOGICAL_TABLES[params["TableName"]], f"dynamodb:{operation}")}


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> CallRecorder:
    recorder = CallRecorder()
    original = botocore.client.BaseClient._make_api_call

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        recorder.record(client.meta.service_model.service_name, operation, params)
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return recorder


def run_every_saga_path(recorder: CallRecorder, seal_on_the_client: bool) -> None:
    context = FakeLambdaContext()

    def step(function: Any, event: Any, expected: type[Exception] | None = None) -> Any:
        with recorder.running(function.__name__.replace("_", "-")):
            if expected is None:
                return function.lambda_handler(event, context)
            with pytest.raises(expected):
                function.lambda_handler(event, context)
            return None

    def validated(order_id: str, **changes: Any) -> dict[str, Any]:
        order = raw_order(order_id, **changes)
        if seal_on_the_client:  # as the checkout backend does where plaintext tokens are refused
            order["payment_token"] = seal(order["payment_token"], order_id)
        return {"order": step(validate_order, order), "results": {}}

    seed_stock(INVENTORY_TABLE, [{"sku": "KB-MECH-01", "stock": 10}, {"sku": "MOUSE-ERGO-02", "stock": 10}])
    happy = validated("ord-happy")
    happy["results"]["ProcessPayment"] = step(process_payment, happy)
    happy["results"]["ReserveInventory"] = step(reserve_inventory, happy)
    with throttled(orders, "confirm"):  # a failed attempt removes its in-progress record, so a retry can run
        step(confirm_order, happy, TransientError)
    step(confirm_order, happy)
    for function in (process_payment, reserve_inventory, confirm_order):  # redeliveries replay the result
        step(function, happy)

    declined = validated("ord-declined", payment_token="tok_chargeDeclined")
    step(process_payment, declined, process_payment.PaymentDeclinedException)

    out_of_stock = validated("ord-short", items=[{"sku": "KB-MECH-01", "quantity": 99, "unit_price_minor": 5}])
    out_of_stock["results"]["ProcessPayment"] = step(process_payment, out_of_stock)
    step(reserve_inventory, out_of_stock, reserve_inventory.InventoryDepletedException)
    step(refund_payment, out_of_stock)

    unknown_outcome = validated("ord-unknown")
    unknown_outcome["results"]["ProcessPayment"] = step(process_payment, unknown_outcome)
    step(reserve_inventory, unknown_outcome)  # its result lost: the saga compensates both steps
    with throttled(inventory, "release"):
        step(release_inventory, unknown_outcome, TransientError)
    step(release_inventory, unknown_outcome)
    with throttled(orders, "mark_failed"):
        step(refund_payment, unknown_outcome, TransientError)
    step(refund_payment, unknown_outcome)

    nothing_reserved = validated("ord-nothing-reserved")  # ReserveInventory failed before reserving
    nothing_reserved["results"]["ProcessPayment"] = step(process_payment, nothing_reserved)
    step(release_inventory, nothing_reserved)  # closes the order to a late reservation
    step(refund_payment, nothing_reserved)

    late_charge = validated("ord-late-charge")  # ProcessPayment outlived its task: the rollback ran meanwhile
    with running_before_the_charge(lambda: step(refund_payment, late_charge)):
        step(process_payment, late_charge, OrderStateConflictException)  # refunds its own charge

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


def code_grants(stack: DeclaredStack, function: str) -> set[Grant]:
    logical = {r.outputs["arn"]: r.name for r in stack.resources if r.type in (TABLE, KEY)}
    grants: set[Grant] = set()
    for statement in policy_statements(stack.cloud.named(ROLE_POLICY, f"{function}-policy")):
        if statement["Sid"] not in SERVICE_STATEMENTS:
            grants |= {(logical[arn], action) for arn in statement["Resource"] for action in statement["Action"]}
    return grants


def test_each_role_grants_exactly_the_calls_its_code_makes(
    declared_stack: DeclaredStack, recorder: CallRecorder, monkeypatch: pytest.MonkeyPatch
):
    accept_plaintext = declared_stack.name == "dev"  # as Pulumi.<stack>.yaml says
    monkeypatch.setenv("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", str(accept_plaintext).lower())

    run_every_saga_path(recorder, seal_on_the_client=not accept_plaintext)

    mismatches = {
        function: {"used but not granted": used - granted, "granted but not used": granted - used}
        for function in FUNCTIONS
        if (used := recorder.calls[function]) != (granted := code_grants(declared_stack, function))
    }
    assert mismatches == {}, json.dumps(mismatches, indent=2, default=sorted)


def test_prod_table_users_may_use_the_table_key_through_dynamodb_only(declared_stacks: dict[str, DeclaredStack]):
    prod = declared_stacks["prod"]
    data_key = prod.cloud.named(KEY, "data").outputs["arn"]
    for function in FUNCTIONS:
        statements = {s["Sid"]: s for s in policy_statements(prod.cloud.named(ROLE_POLICY, f"{function}-policy"))}
        uses_tables = any(a.startswith("dynamodb:") for s in statements.values() for a in s["Action"])
        assert ("UseTableKeyThroughDynamoDB" in statements) is uses_tables, function
        if uses_tables:
            statement = statements["UseTableKeyThroughDynamoDB"]
            assert statement["Resource"] == [data_key]
            assert statement["Condition"]["StringEquals"]["kms:ViaService"] == "dynamodb.eu-west-1.amazonaws.com"


def test_only_the_payment_step_may_unseal_and_only_dev_s_validation_may_seal(
    declared_stacks: dict[str, DeclaredStack],
):
    for name, stack in declared_stacks.items():
        token_key = stack.cloud.named(KEY, "payment-token").outputs["arn"]
        users: dict[str, set[str]] = {}
        for function in FUNCTIONS:
            for statement in policy_statements(stack.cloud.named(ROLE_POLICY, f"{function}-policy")):
                if token_key in statement["Resource"]:
                    users.setdefault(function, set()).update(statement["Action"])
        expected = {"process-payment": {"kms:Decrypt"}}
        if name == "dev":
            expected["validate-order"] = {"kms:GenerateDataKey"}
        assert users == expected, name
