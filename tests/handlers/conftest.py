"""Handler tests run in-process against moto's DynamoDB (`mock_aws`), one fresh set of tables per test.

moto is imported before any handler module: moto hooks botocore when imported, so every boto3 client
created afterwards, including the idempotency store's client built at import, can be intercepted.

Fixtures: `aws` (fresh tables and payment-token key), `payment_token_key` (the key only), `tables` (their names,
and readers of what they hold), the order builders (`raw_order`, `normalized`, `unsealed`, `without_token`,
`step_event`, `secret_token`), `context` and `lambda_context`, and `region`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from moto import mock_aws

REGION = "eu-west-1"
# Long and distinctive, so that finding it in a log line or an error message cannot be a coincidence.
SECRET_TOKEN = "tok_visa_4e1f0c9b7a2d"


@dataclass(frozen=True)
class Tables:
    """The handlers' tables, and readers of what they hold.

    The readers go to DynamoDB directly with the documented item layout, not through checkout_domain, so a test
    checks what is really stored rather than what the code under test believes it stored.
    """

    orders: str = "test-orders"
    payments: str = "test-payments"
    inventory: str = "test-inventory"
    idempotency: str = "test-idempotency"

    def order_record(self, order_id: str) -> dict[str, Any] | None:
        return _table(self.orders).get_item(Key={"pk": f"ORDER#{order_id}", "sk": "ORDER"}).get("Item")

    def ledger_entries(self, order_id: str) -> list[dict[str, Any]]:
        return _table(self.payments).query(KeyConditionExpression=Key("pk").eq(f"ORDER#{order_id}"))["Items"]

    def stock(self, sku: str) -> int | None:
        item = _table(self.inventory).get_item(Key={"pk": f"SKU#{sku}", "sk": "STOCK"}).get("Item")
        return None if item is None else int(item["available"])

    def reservation_record(self, order_id: str) -> dict[str, Any] | None:
        return _table(self.inventory).get_item(Key={"pk": f"ORDER#{order_id}", "sk": "RESERVATION"}).get("Item")

    def all_items(self, table_name: str) -> list[dict[str, Any]]:
        return _table(table_name).scan()["Items"]

    def forget_idempotency_records(self) -> None:
        """Simulates the powertools records expiring, so a redelivery reaches the domain's own safeguards."""
        table = _table(self.idempotency)
        for item in table.scan()["Items"]:
            table.delete_item(Key={"id": item["id"]})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # An exception Python could only print ("Exception ignored in ...") is a traceback in a Lambda's logs: here it
    # fails the test. The Makefile's handlers-on-lambda-python run also passes `-W`, which covers one printed
    # at the end of the session, after the last test.
    handlers_folder = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(handlers_folder):
            item.add_marker(pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"))


def _table(name: str) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(name)


TABLES = Tables()

# Read by the handler modules when they are imported (Logger/Tracer/Metrics and the idempotency store are
# module globals, as in Lambda), i.e. before any fixture runs. setdefault: never override a caller's choice.
for name, value in {
    "AWS_DEFAULT_REGION": REGION,
    "IDEMPOTENCY_TABLE_NAME": TABLES.idempotency,
    "POWERTOOLS_SERVICE_NAME": "checkout-test",
    "POWERTOOLS_METRICS_NAMESPACE": "CheckoutSagaTest",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_LOG_LEVEL": "DEBUG",  # the token must not appear even in debug logs
    # As in dev: plaintext tokens are sealed by validate_order (tests of the prod setting override this).
    "ACCEPT_PLAINTEXT_PAYMENT_TOKENS": "true",
}.items():
    os.environ.setdefault(name, value)


@dataclass
class FakeLambdaContext:
    function_name: str = "checkout-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:checkout-test"
    aws_request_id: str = "req-0001"
    remaining_millis: int = 10_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def raw_order(order_id: str = "ord-1001", **overrides: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "order_id": order_id,
        "customer_id": "cus-42",
        "currency": "EUR",
        "payment_token": SECRET_TOKEN,
        "items": [
            {"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 12999},
            {"sku": "MOUSE-ERGO-02", "quantity": 2, "unit_price_minor": 4999},
        ],
    }
    order.update(overrides)
    return order


def normalized(order: dict[str, Any]) -> dict[str, Any]:
    """What validate_order returns for a valid raw order (computed here independently): its total, and its token
    sealed for it (needs the `aws` fixture's key). Sealing is randomized: compare tokens with `unsealed`."""
    from checkout_domain.payment_token_seal import looks_sealed, seal

    result = copy.deepcopy(order)
    result["total_minor"] = sum(item["quantity"] * item["unit_price_minor"] for item in order["items"])
    if not looks_sealed(result["payment_token"]):
        result["payment_token"] = seal(result["payment_token"], result["order_id"])
    return result


def unsealed(order: dict[str, Any]) -> str:
    from checkout_domain.payment_token_seal import unseal

    return unseal(order["payment_token"], order["order_id"])


def without_token(order: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in order.items() if key != "payment_token"}


def step_event(order: dict[str, Any], **results: Any) -> dict[str, Any]:
    """What a Task state passes a step: the order (normalized unless it already is) and the results so far."""
    return {"order": normalized(order) if "total_minor" not in order else order, "results": results}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh tables and payment-token key in moto; the environment the infrastructure would give the handlers."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)  # an emulator endpoint in the shell must not leak in
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ORDERS_TABLE_NAME", TABLES.orders)
    monkeypatch.setenv("PAYMENTS_TABLE_NAME", TABLES.payments)
    monkeypatch.setenv("INVENTORY_TABLE_NAME", TABLES.inventory)

    from checkout_domain import dynamodb, idempotency

    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        for table in (TABLES.orders, TABLES.payments, TABLES.inventory):
            client.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        client.create_table(
            TableName=TABLES.idempotency,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        monkeypatch.setenv("PAYMENT_TOKEN_KEY_ARN", key_arn)
        # Both long-lived clients are rebuilt inside the mock, whatever the shell's environment was at import.
        dynamodb.client.cache_clear()
        monkeypatch.setattr(idempotency.persistence_layer, "client", client)
        monkeypatch.setattr(idempotency.persistence_layer, "table_name", TABLES.idempotency)
        yield
        dynamodb.client.cache_clear()


@pytest.fixture
def tables(aws: None) -> Tables:
    """The `aws` fixture's tables: their names, and readers of what they hold."""
    return TABLES


@pytest.fixture(scope="module")
def payment_token_key() -> Iterator[str]:
    """Only the stack's payment-token key, in moto: all validate_order needs (it touches no table). One per
    module: starting moto costs more than most validate_order tests, and sealing never changes the key."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        with mock_aws():
            key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
            monkeypatch.setenv("PAYMENT_TOKEN_KEY_ARN", key_arn)
            yield key_arn


@pytest.fixture(scope="session")
def region() -> str:
    """The region of the moto account the handlers run in."""
    return REGION


@pytest.fixture(scope="session")
def secret_token() -> str:
    """The payment token of `raw_order`: it must never appear in a log, an error, an output or a table."""
    return SECRET_TOKEN


@pytest.fixture(scope="session", name="raw_order")
def raw_order_fixture() -> Callable[..., dict[str, Any]]:
    """`raw_order(order_id="ord-1001", **overrides)`: a valid order as a client sends it (plaintext token)."""
    return raw_order


@pytest.fixture(scope="session", name="normalized")
def normalized_fixture() -> Callable[[dict[str, Any]], dict[str, Any]]:
    return normalized


@pytest.fixture(scope="session", name="unsealed")
def unsealed_fixture() -> Callable[[dict[str, Any]], str]:
    return unsealed


@pytest.fixture(scope="session", name="without_token")
def without_token_fixture() -> Callable[[dict[str, Any]], dict[str, Any]]:
    return without_token


@pytest.fixture(scope="session", name="step_event")
def step_event_fixture() -> Callable[..., dict[str, Any]]:
    """`step_event(order, **results)`: a step's input, as the state machine builds it."""
    return step_event


@pytest.fixture(scope="session")
def lambda_context() -> type[FakeLambdaContext]:
    """Makes a Lambda context object: `lambda_context(function_name=..., aws_request_id=...)`."""
    return FakeLambdaContext


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()
