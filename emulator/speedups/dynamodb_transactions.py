"""TransactWriteItems with a rollback point per item, instead of moto's deep copy of every table involved.

moto 5.2.5's ``DynamoDBBackend.transact_write_items`` deep-copies each whole table named in the transaction
before applying it, so that a cancelled transaction can put the copies back. That costs time in proportion
to everything the tables hold: on a saga run the ledger and inventory tables grow with every checkout, and
each reservation or refund got slower than the one before (it was the emulator's largest CPU cost after
ASL parsing). Here only the items the transaction writes are copied, just before each write, and a
cancellation puts exactly those back (or removes the ones it created).

Everything else is moto's algorithm, unchanged and in the same order: the checks (at most 100 actions, one
action per item, each item at most once), condition evaluation with ``ReturnValuesOnConditionCheckFailure``,
the writes through the backend's own put/update/delete, and the errors (``TransactionCanceledException``
with one reason per action). Atomicity with respect to other requests comes from the lock every DynamoDB
request takes (moto_extensions: dynamodb-serialized). One deliberate difference: an action with more than
one operation is rejected before anything is written (moto raised mid-way, leaving earlier writes applied;
DynamoDB validates the request first).
"""

from __future__ import annotations

import copy
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
from moto.dynamodb.models.dynamo_type import Item

_MAX_ACTIONS = 100
_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


@dataclass
class _Saved:
    table: Any  # moto's Table
    hash_key: Any  # DynamoType
    range_key: Any  # DynamoType | None
    item: Item | None  # a copy of the item before the write; None if it did not exist


class _Journal:
    """The items a transaction is about to change, as they were, so that a cancellation can restore them."""

    def __init__(self) -> None:
        self._saved: list[_Saved] = []

    def remember(self, backend: Any, table_name: str, key: dict[str, Any]) -> None:
        table = backend.get_table(table_name)
        hash_key, range_key = backend.get_keys_value(table, key)
        current = table.get_item(hash_key, range_key)
        self._saved.append(_Saved(table, hash_key, range_key, copy.deepcopy(current)))

    def roll_back(self) -> None:
        # Where moto's Table.put_item/delete_item keep items: items[hash] or items[hash][range].
        for saved in reversed(self._saved):
            items = saved.table.items
            if saved.range_key is None:
                if saved.item is None:
                    items.pop(saved.hash_key, None)
                else:
                    items[saved.hash_key] = saved.item
            elif saved.item is None:
                items[saved.hash_key].pop(saved.range_key, None)
            else:
                items[saved.hash_key][saved.range_key] = saved.item
        self._saved.clear()


def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """Replacement for ``DynamoDBBackend.transact_write_items(self, transact_items)``."""
    if len(transact_items) > _MAX_ACTIONS:
        raise TooManyTransactionsException()
    if any(len(action) > 1 for action in transact_items):
        raise TransactWriteSingleOpException()
    journal = _Journal()
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[str, str, dict[str, Any]] | tuple[None, None, None]] = []
    for action in transact_items:
        original_item: dict[str, Any] | None = None
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
                journal.remember(backend, table_name, key)
            _apply(backend, op_type, table_name, key, op)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            journal.roll_back()
            raise
        except ConditionalCheckFailed as failure:
            errors.append(("ConditionalCheckFailed", str(failure.message), original_item))  # type: ignore[arg-type]
        except Exception as error:
            errors.append((type(error).__name__, str(error), original_item))  # type: ignore[arg-type]
    if any(code is not None for code, _, _ in errors):
        journal.roll_back()
        raise TransactionCanceledException(errors)


def _key_of(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    attributes = op["Item"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _evaluate_condition(
    backend: Any, table_name: str, key: dict[str, Any], op: dict[str, Any]
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


def _apply(backend: Any, op_type: str, table_name: str, key: dict[str, Any], op: dict[str, Any]) -> None:
    expressions = {
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
