"""TransactWriteItems keeps a rollback point per item it writes, not a deep copy of every table it names (speed-up
dynamodb-transaction-rollback).

moto's ``DynamoDBBackend.transact_write_items`` deep-copies the whole table of every action before applying any,
so that a cancelled transaction can put the copies back. Its cost grows with everything the tables hold: the
saga's ledger, inventory, orders and idempotency tables grow with every checkout, so each reservation or refund is
slower than the one before, for as long as the emulator runs (`sagactl serve`, the demo, a chaos run).

Here only the items the transaction writes are copied, just before each write, and a cancellation puts exactly
those back (or removes the ones it created). Everything else is moto's algorithm, in the same order: the checks,
condition evaluation with ``ReturnValuesOnConditionCheckFailure``, the writes through the backend's own
put/update/delete, the errors. Tables with a stream keep moto's own code: its copy also takes back the stream
records of a cancelled write. Atomicity against other requests comes from dynamodb-atomic-requests' lock.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

_MAX_ACTIONS = 100
_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


@dataclass
class _Saved:
    table: Table
    hash_key: Any  # DynamoType
    range_key: Any  # DynamoType | None
    item: Item | None  # the item before the write; None if there was none


class _Journal:
    """The items a transaction is about to change, as they were, so that a cancellation can restore them."""

    def __init__(self, backend: DynamoDBBackend) -> None:
        self._backend = backend
        self._saved: list[_Saved] = []

    def remember(self, table_name: str, key: dict[str, Any]) -> None:
        table = self._backend.get_table(table_name)
        hash_key, range_key = self._backend.get_keys_value(table, key)
        current = table.get_item(hash_key, range_key)
        self._saved.append(_Saved(table, hash_key, range_key, copy.deepcopy(current)))

    def roll_back(self) -> None:
        # Where moto's Table.put_item and delete_item keep items: items[hash] or items[hash][range].
        for saved in reversed(self._saved):
            items: Any = saved.table.items
            if saved.range_key is None:
                if saved.item is None:
                    items.pop(saved.hash_key, None)
                else:
                    items[saved.hash_key] = saved.item
            elif saved.item is None:
                items.get(saved.hash_key, {}).pop(saved.range_key, None)
            else:
                items[saved.hash_key][saved.range_key] = saved.item
        self._saved.clear()


def _transact_write_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > _MAX_ACTIONS:
        raise TooManyTransactionsException()
    journal = _Journal(backend)
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for action in transact_items:
        original_item: dict[str, Any] | None = None
        if len(action) > 1:
            raise TransactWriteSingleOpException  # as moto: mid-way, with no rollback
        try:
            op_type, op = next(iter(action.items()))
            if op_type not in _OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            key = _key_of(backend, op_type, op)
            target = (str(table_name), str(dict(sorted(key.items()))))
            if target in targets:
                raise MultipleTransactionsException()
            targets.add(target)
            passes, original_item = _evaluate_condition(backend, table_name, key, op)
            if not passes:
                raise ConditionalCheckFailed(item=original_item)
            if op_type != "ConditionCheck":
                journal.remember(table_name, key)
            _apply(backend, op_type, table_name, key, op)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            journal.roll_back()
            raise
        except ConditionalCheckFailed as failure:
            errors.append(("ConditionalCheckFailed", str(failure.message), original_item))
        except Exception as error:  # as moto: every other failure becomes a cancellation reason
            errors.append((type(error).__name__, str(error), original_item))
    if any(code is not None for code, _, _ in errors):
        journal.roll_back()
        raise TransactionCanceledException(errors)


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    attributes = op["Item"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _evaluate_condition(
    backend: DynamoDBBackend, table_name: str, key: dict[str, Any], op: dict[str, Any]
) -> tuple[bool, dict[str, Any] | None]:
    """(whether the action's condition holds, the item to report when it does not and ALL_OLD is asked)."""
    current = backend.get_item(table_name, key)
    condition = op.get("ConditionExpression")
    if condition is None:
        return True, None
    parsed = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
    if parsed.expr(current):
        return True, None
    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
        return False, current.to_json()["Attributes"]
    return False, None


def _apply(backend: DynamoDBBackend, op_type: str, table_name: str, key: dict[str, Any], op: dict[str, Any]) -> None:
    expressions: dict[str, Any] = {
        "condition_expression": op.get("ConditionExpression"),
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **expressions)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **expressions)
    elif op_type == "Update":
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expressions)


def _streams_named(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> bool:
    names = {op.get("TableName") for action in transact_items for op in action.values() if isinstance(op, dict)}
    return any(backend.tables[name].stream_shard is not None for name in names if name in backend.tables)


def _install() -> None:
    def rollback_per_item(original: Callable[..., None]) -> Callable[..., None]:
        def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
            if _streams_named(self, transact_items):
                return original(self, transact_items)
            return _transact_write_items(self, transact_items)

        return transact_write_items

    patch(DynamoDBBackend, "transact_write_items", rollback_per_item)


EXTENSION = MotoExtension(
    name="dynamodb-transaction-rollback",
    kind=Kind.SPEED_UP,
    purpose="a transaction copies the items it writes as its rollback point, not every table it names",
    module=__name__,
    seams=(
        Signature(DynamoDBBackend, "transact_write_items", ("self", "transact_items")),
        # What is replaced: the copy of each whole table; and what is mirrored, step by step.
        SourceLine(DynamoDBBackend, "transact_write_items", "original_table_state[table_name] = copy.deepcopy("),
        SourceLine(DynamoDBBackend, "transact_write_items", "check_unicity(table_name, key)"),
        SourceLine(DynamoDBBackend, "transact_write_items", "if not condition_op.expr(current):"),
        SourceLine(DynamoDBBackend, "transact_write_items", "raise TransactionCanceledException(errors)"),
        Signature(DynamoDBBackend, "get_keys_value", ("self", "table", "keys")),
        SourceLine(Table, "put_item", "self.items[hash_value][range_value] = item"),
        SourceLine(Table, "put_item", "self.items[hash_value] = item"),
        SourceLine(Table, "put_item", "self.stream_shard.add(current, item)"),
    ),
    install=_install,
)
