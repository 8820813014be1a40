"""What the emulator was asked, counted (extension request-metering): requests per service and operation,
DynamoDB's request units, and Lambda's invocations with their billed durations.

Counted where moto answers (every API request reaches ``BaseResponse.call_action``, over HTTP or in-process),
so the figures are what an AWS bill or CloudWatch would show for the same traffic, whoever sent it: clients,
Lambda handlers, Step Functions integrations. DynamoDB requests also get their read and write request
units, computed by AWS's rules from the items before and after each request (dynamodb_capacity), per table.
Every invocation the Lambda runtime runs (Invoke API, Step Functions tasks, events) is recorded per function
with the Duration and Billed Duration of its REPORT line and the function's memory size.

Counters only grow (like the fault counters): a client measures a run by the difference of two snapshots.
Metering never changes a response: any error while measuring is swallowed and the request is still counted.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.core.responses import BaseResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.dynamo_type import Item as DynamoDBItem

from emulator.lambda_runtime.invocation_log import reported_duration
from emulator.metering import dynamodb_units as capacity
from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, around

Response = tuple[int, dict[str, Any], Any]


@dataclass
class TableUsage:
    requests: int = 0
    conditional_failures: int = 0  # failed ConditionExpressions and cancelled transactions
    read_units: float = 0.0
    write_units: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "conditional_failures": self.conditional_failures,
            "read_units": self.read_units,
            "write_units": self.write_units,
        }


@dataclass
class _Usage:
    """The units one DynamoDB request consumed, per table."""

    units: dict[str, TableUsage] = field(default_factory=dict)

    def add(self, table: str, read: float = 0.0, write: float = 0.0, failed: bool = False) -> None:
        usage = self.units.setdefault(table, TableUsage())
        usage.read_units += read
        usage.write_units += write
        usage.conditional_failures += int(failed)


@dataclass
class FunctionUsage:
    invocations: int = 0
    errors: int = 0
    duration_ms: float = 0.0
    billed_ms: int = 0
    memory_mb: int = 0  # the configured memory of the latest invocation

    def to_json(self) -> dict[str, Any]:
        return {
            "invocations": self.invocations,
            "errors": self.errors,
            "duration_ms": self.duration_ms,
            "billed_ms": self.billed_ms,
            "memory_mb": self.memory_mb,
        }


class Meter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str]] = Counter()
        self._dynamodb: dict[tuple[str, str], TableUsage] = {}
        self._lambda: dict[str, FunctionUsage] = {}

    def count_request(self, service: str, operation: str) -> None:
        with self._lock:
            self._requests[(service, operation)] += 1

    def record_dynamodb(self, operation: str, usage: _Usage) -> None:
        with self._lock:
            for table, used in usage.units.items():
                total = self._dynamodb.setdefault((table, operation), TableUsage())
                total.requests += 1
                total.conditional_failures += used.conditional_failures
                total.read_units += used.read_units
                total.write_units += used.write_units

    def record_invocation(self, function_name: str, memory_mb: int, report: str, errored: bool) -> None:
        """One invocation, from its REPORT line or, for JSON-format functions, its platform.report record."""
        reported = reported_duration(report)
        with self._lock:
            usage = self._lambda.setdefault(function_name, FunctionUsage())
            usage.invocations += 1
            usage.errors += int(errored)
            usage.memory_mb = memory_mb
            if reported:
                usage.duration_ms += reported.duration_ms
                usage.billed_ms += reported.billed_ms

    def snapshot(self) -> dict[str, Any]:
        """{"requests": {service: {operation: n}}, "dynamodb": {table: {operation: usage}},
        "lambda": {function: usage}}"""
        with self._lock:
            requests = dict(self._requests)
            dynamodb = {key: TableUsage(**vars(value)) for key, value in self._dynamodb.items()}
            functions = {name: usage.to_json() for name, usage in sorted(self._lambda.items())}
        by_service: dict[str, dict[str, int]] = {}
        for (service, operation), count in sorted(requests.items()):
            by_service.setdefault(service, {})[operation] = count
        by_table: dict[str, dict[str, Any]] = {}
        for (table, operation), usage in sorted(dynamodb.items()):
            by_table.setdefault(table, {})[operation] = usage.to_json()
        return {"requests": by_service, "dynamodb": by_table, "lambda": functions}


meter = Meter()


def metered_call_action(original: Callable[[Any], Response], handler: Any) -> Response:
    """Wraps ``BaseResponse.call_action(self)``: counts the request; meters DynamoDB's units."""
    operation = _operation(handler)
    service = _service(handler)
    if service != "dynamodb":
        response = original(handler)
        meter.count_request(service, operation)
        return response
    body = handler.body if isinstance(handler.body, dict) else {}
    backend = handler.dynamodb_backend
    before = _safely(lambda: _items_before(backend, operation, body), {})
    response = original(handler)
    meter.count_request("dynamodb", operation)
    usage = _safely(lambda: _usage(backend, operation, body, before, response), _Usage())
    meter.record_dynamodb(operation, usage)
    return response


def _service(handler: Any) -> str:
    """The service as boto3 names it ("lambda", where moto says "awslambda")."""
    try:
        return str(handler.boto3_service_name)
    except Exception:
        return str(getattr(handler, "service_name", "unknown"))


def _operation(handler: Any) -> str:
    try:
        return str(handler._get_action() or "unknown")
    except Exception:
        return "unknown"


ItemKey = tuple[str, str]  # (table name, key as canonical JSON)


def _items_before(backend: Any, operation: str, body: dict[str, Any]) -> dict[ItemKey, int]:
    """Sizes of the items a write or read will touch, as they are before the request."""
    return {key: item_size_now(backend, key) for key in _touched(backend, operation, body)}


def _touched(backend: Any, operation: str, body: dict[str, Any]) -> list[ItemKey]:
    if operation in ("PutItem", "UpdateItem", "DeleteItem", "GetItem"):
        return [_item_key(backend, body["TableName"], _key_of(backend, body))]
    if operation == "TransactWriteItems":
        keys = []
        for action in body.get("TransactItems", []):
            ((kind, op),) = action.items()
            keys.append(_item_key(backend, op["TableName"], _key_of(backend, op, put=kind == "Put")))
        return keys
    if operation == "TransactGetItems":
        return [_item_key(backend, a["Get"]["TableName"], a["Get"]["Key"]) for a in body.get("TransactItems", [])]
    if operation == "BatchWriteItem":
        keys = []
        for table, requests in body.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    put = {"TableName": table, **request["PutRequest"]}
                    keys.append(_item_key(backend, table, _key_of(backend, put, put=True)))
                else:
                    keys.append(_item_key(backend, table, request["DeleteRequest"]["Key"]))
        return keys
    if operation == "BatchGetItem":
        return [
            _item_key(backend, table, key)
            for table, request in body.get("RequestItems", {}).items()
            for key in request.get("Keys", [])
        ]
    return []


def _usage(
    backend: Any, operation: str, body: dict[str, Any], before: dict[ItemKey, int], response: Response
) -> _Usage:
    usage = _Usage()
    status, _, response_body = response
    error = _error_type(status, response_body)
    succeeded = status < 400
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        (key,) = before
        after = item_size_now(backend, key) if succeeded else 0
        failed = error == "ConditionalCheckFailedException"
        if succeeded or failed:  # other errors (validation) are rejected before any write
            usage.add(key[0], write=capacity.write_units(before[key], after, succeeded=succeeded), failed=failed)
    elif operation == "GetItem":
        (key,) = before
        usage.add(key[0], read=capacity.read_units(before[key], consistent=bool(body.get("ConsistentRead"))))
    elif operation == "TransactWriteItems":
        cancelled = error == "TransactionCanceledException"
        for key, size in before.items():
            after = item_size_now(backend, key) if succeeded else 0
            if succeeded or cancelled:
                units = capacity.write_units(size, after, succeeded=succeeded, transactional=True)
                usage.add(key[0], write=units, failed=cancelled)
    elif operation == "TransactGetItems":
        for key, size in before.items():
            usage.add(key[0], read=capacity.TRANSACTION_FACTOR * capacity.read_units(size, consistent=True))
    elif operation == "BatchWriteItem":
        for key, size in before.items():
            usage.add(key[0], write=capacity.write_units(size, item_size_now(backend, key)))
    elif operation == "BatchGetItem":
        consistent = {t: bool(r.get("ConsistentRead")) for t, r in body.get("RequestItems", {}).items()}
        for key, size in before.items():
            usage.add(key[0], read=capacity.read_units(size, consistent=consistent.get(key[0], False)))
    elif operation in ("Query", "Scan") and succeeded:
        items = json.loads(response_body).get("Items", [])
        size = sum(capacity.item_size(item) for item in items)
        table = backend.get_table(body["TableName"]).name
        usage.add(table, read=capacity.read_units(size, consistent=bool(body.get("ConsistentRead"))))
    if not usage.units and "TableName" in body:
        usage.add(backend.get_table(body["TableName"]).name)  # a request with no units still counts
    return usage


def item_size_now(backend: Any, key: ItemKey) -> int:
    table_name, key_json = key
    item = backend.get_item(table_name, json.loads(key_json))
    return stored_item_size(item) if item is not None else 0


def stored_item_size(item: Any) -> int:
    """``capacity.item_size(item.to_json()["Attributes"])`` of a stored moto Item, without converting it:
    to_json deep-copies every map and list (half the cost of metering a request)."""
    return sum(len(name.encode()) + _stored_value_size(value) for name, value in item.attrs.items())


def _stored_value_size(value: Any) -> int:
    if not isinstance(value, DynamoType):  # a member kept in wire format (to_json keeps those as they are)
        return capacity.value_size(value)
    kind, content = value.type, value.value
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + _stored_value_size(member) for name, member in content.items())
    if kind == "L":
        return 3 + sum(1 + _stored_value_size(member) for member in content)
    return capacity.value_size({kind: content})  # binary as bytes or base64 text: value_size takes both


def _key_of(backend: Any, op: dict[str, Any], put: bool | None = None) -> dict[str, Any]:
    if not (put or (put is None and "Item" in op)):
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _item_key(backend: Any, table_name: str, key: dict[str, Any]) -> ItemKey:
    return backend.get_table(table_name).name, json.dumps(key, sort_keys=True)


def _error_type(status: int, body: Any) -> str | None:
    if status < 400:
        return None
    try:
        return str(json.loads(body).get("__type", "")).rsplit("#", 1)[-1]
    except (TypeError, ValueError, AttributeError):
        return None


def _safely(compute: Callable[[], Any], fallback: Any) -> Any:
    try:
        return compute()
    except Exception:
        return fallback


EXTENSION = MotoExtension(
    name="request-metering",
    kind=Kind.FIDELITY,
    purpose="requests per operation, DynamoDB request units and Lambda billed durations, as a bill would count them",
    module=__name__,
    seams=(
        Signature(BaseResponse, "call_action", ("self",)),
        Signature(BaseResponse, "_get_action", ("self",)),
        Signature(DynamoDBBackend, "get_table", ("self", "table_name")),
        Signature(DynamoDBBackend, "get_item", ("self", "table_name", "keys", "projection_expressions")),
        SetsAttributes(DynamoDBItem, "__init__", ("attrs",)),
        SetsAttributes(DynamoType, "__init__", ("type", "value")),
    ),
    install=lambda: around(BaseResponse, "call_action", metered_call_action),
)
