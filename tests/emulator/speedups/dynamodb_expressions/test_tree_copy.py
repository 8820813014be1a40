"""tree_deepcopy makes the copy copy.deepcopy makes of an update-expression tree, and leaves anything else to it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.parsing.ast_nodes import DDBTypedValue, Node  # type: ignore[attr-defined]
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

from emulator.speedups.dynamodb_expressions.tree_copy import tree_copier

tree_deepcopy = tree_copier(Node)
EXPRESSIONS = [
    "SET #status = :confirmed, confirmation_id = if_not_exists(confirmation_id, :confirmation_id)",
    "SET available = if_not_exists(available, :zero) + :quantity, updated_at = :now",
    "SET steps = list_append(steps, :more), shipping.town = :town, #notes[1] = :first",
    "REMOVE steps[0], steps[2], shipping.town",
    "ADD amount_minor :one, labels :labels DELETE flags :gone",
]


def nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in node.children or []:
        if isinstance(child, Node):
            yield from nodes(child)


def shape(node: Any) -> Any:
    """A tree as plain data (its parent links left out: they point back up)."""
    if isinstance(node, Node):
        return type(node).__name__, {name: shape(value) for name, value in vars(node).items() if name != "parent"}
    if isinstance(node, list):
        return [shape(child) for child in node]
    return repr(node)


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_a_parsed_tree_is_copied_as_deepcopy_copies_it(expression: str) -> None:
    tree = UpdateExpressionParser.make(expression)

    copied = tree_deepcopy(tree)

    assert shape(copied) == shape(copy.deepcopy(tree)) == shape(tree)
    originals, copies = list(nodes(tree)), list(nodes(copied))
    assert [type(node) for node in copies] == [type(node) for node in originals]
    assert not {id(node) for node in originals} & {id(node) for node in copies}  # nothing shared
    index_of_original = {id(node): index for index, node in enumerate(originals)}
    for original, new in zip(originals, copies, strict=True):
        assert list(vars(new)) == list(vars(original))  # attributes in the same order
        if original.parent is None:
            assert new.parent is None
        else:  # the parent link points to the copy of the original's parent
            assert new.parent is copies[index_of_original[id(original.parent)]]


def test_a_value_referenced_twice_is_copied_once_as_deepcopy_does() -> None:
    value = DynamoType({"S": "shared"})
    tree = DDBTypedValue(value)
    tree.children.append(value)

    copied = tree_deepcopy(tree)

    assert copied.children[0] is copied.children[1]
    assert copied.children[0] is not value and copied.children[0] == value


class NodeWithItsOwnCopy(Node):
    copies = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        NodeWithItsOwnCopy.copies += 1
        return NodeWithItsOwnCopy(copy.deepcopy(self.children, memo))


def test_anything_else_goes_to_deepcopy() -> None:
    assert tree_deepcopy({"a": [1]}) == {"a": [1]}
    memo: dict[int, Any] = {}
    tree = UpdateExpressionParser.make(EXPRESSIONS[0])
    assert shape(tree_deepcopy(tree, memo)) == shape(tree) and memo  # a caller's memo: deepcopy's own walk
    tree_deepcopy(NodeWithItsOwnCopy([DynamoType({"N": "1"})]))
    assert NodeWithItsOwnCopy.copies == 1
    outer = DDBTypedValue(DynamoType({"S": "y"}))
    outer.children.append(NodeWithItsOwnCopy([DynamoType({"S": "x"})]))
    copied = tree_deepcopy(outer)  # a plain tree with a node that copies itself: that node is its own to copy
    assert NodeWithItsOwnCopy.copies == 2 and type(copied.children[1]) is NodeWithItsOwnCopy
