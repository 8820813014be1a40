"""The low-level DynamoDB client and the small helpers every store shares.

The low-level client (not the resource API) because reservations and refunds are TransactWriteItems, which
only speaks the low-level attribute-value format; one format everywhere keeps the stores uniform.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

# A few quick SDK retries absorb a blip; anything longer surfaces as TransientError so that the state
# machine's Retry (with backoff, visible in the execution history) takes over, well inside the Lambda timeout.
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@functools.cache
def client() -> Any:
    """Created on first use; boto3 itself honours AWS_ENDPOINT_URL(_DYNAMODB) for the emulator."""
    return boto3.client("dynamodb", config=_CLIENT_CONFIG)


def to_item(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in data.items()}


def to_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """ExpressionAttributeValues from {":name": python value}."""
    return to_item(data)


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value: Any) -> Any:
    # Every number this project stores is an integer (amounts in minor units, quantities, stock).
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {name: _plain(element) for name, element in value.items()}
    return value


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_condition_failure(exc: ClientError) -> bool:
    return error_code(exc) == "ConditionalCheckFailedException"


def existing_item(exc: ClientError) -> dict[str, Any] | None:
    """The item that failed the condition (ReturnValuesOnConditionCheckFailure=ALL_OLD); None if it does not
    exist, which is how a failed `attribute_exists` condition tells "missing" from "in another state"."""
    item = exc.response.get("Item")
    return from_item(item) if item else None


def put_if_absent(table_name: str, item: Mapping[str, Any]) -> dict[str, Any] | None:
    """Writes the item unless one with its key exists. Returns None when written, else the existing item (one
    request either way: the failed condition hands back the item it found)."""
    try:
        client().put_item(
            TableName=table_name,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        existing = existing_item(exc) if is_condition_failure(exc) else None
        if existing is None:
            raise
        return existing
    return None


def cancellation_reasons(exc: ClientError) -> list[dict[str, Any]]:
    """Per-action reasons of a cancelled transaction, in request order ({"Code": "None"} for actions that
    were fine)."""
    if error_code(exc) != "TransactionCanceledException":
        raise exc
    return list(exc.response.get("CancellationReasons", []))
