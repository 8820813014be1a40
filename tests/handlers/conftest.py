"""Handler tests run in-process against moto's DynamoDB (`mock_aws`), one fresh set of tables per test.

moto is imported before any handler module: moto hooks botocore when imported, so every boto3 client
created afterwards, including the idempotency store's client built at import, can be intercepted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from tests.handlers.support import (
    IDEMPOTENCY_TABLE,
    INVENTORY_TABLE,
    ORDERS_TABLE,
    PAYMENTS_TABLE,
    REGION,
    FakeLambdaContext,
)

# Read by the handler modules when they are imported (Logger/Tracer/Metrics and the idempotency store are
# module globals, as in Lambda), i.e. before any fixture runs. setdefault: never override a caller's choice.
for name, value in {
    "AWS_DEFAULT_REGION": REGION,
    "IDEMPOTENCY_TABLE_NAME": IDEMPOTENCY_TABLE,
    "POWERTOOLS_SERVICE_NAME": "checkout-test",
    "POWERTOOLS_METRICS_NAMESPACE": "CheckoutSagaTest",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_LOG_LEVEL": "DEBUG",  # the token must not appear even in debug logs
    # As in dev: plaintext tokens are sealed by validate_order (tests of the prod setting override this).
    "ACCEPT_PLAINTEXT_PAYMENT_TOKENS": "true",
}.items():
    os.environ.setdefault(name, value)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh tables and payment-token key in moto; the environment the infrastructure would give the handlers."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)  # an emulator endpoint in the shell must not leak in
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ORDERS_TABLE_NAME", ORDERS_TABLE)
    monkeypatch.setenv("PAYMENTS_TABLE_NAME", PAYMENTS_TABLE)
    monkeypatch.setenv("INVENTORY_TABLE_NAME", INVENTORY_TABLE)

    from checkout_domain import dynamodb, idempotency

    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        for table in (ORDERS_TABLE, PAYMENTS_TABLE, INVENTORY_TABLE):
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
            TableName=IDEMPOTENCY_TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        monkeypatch.setenv("PAYMENT_TOKEN_KEY_ARN", key_arn)
        # Both long-lived clients are rebuilt inside the mock, whatever the shell's environment was at import.
        dynamodb.client.cache_clear()
        monkeypatch.setattr(idempotency.persistence_layer, "client", client)
        monkeypatch.setattr(idempotency.persistence_layer, "table_name", IDEMPOTENCY_TABLE)
        yield
        dynamodb.client.cache_clear()


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


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()
