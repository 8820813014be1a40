"""moto's DynamoDB expression machinery without its repeated work (speed-up dynamodb-expressions).

Every conditional write and every UpdateItem goes through moto's expression code, in pure Python: a condition is
parsed twice per write (conditions.py); the validator deep-copies the update tree through copy's generic
machinery (tree_copy.py) and walks it ten times, rebuilding class maps and asking ABCs for every node
(walks.py). Each alone is a small share of a request; together they were most of a DynamoDB request's CPU, and a
saga makes a dozen of them. Each part does what moto's code does (tests/emulator/speedups/dynamodb_expressions).
"""

from __future__ import annotations

from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.ast_nodes import (  # type: ignore[attr-defined]
    DepthFirstTraverser,
    Expression,
    Node,
    UpdateExpressionFunction,
)
from moto.dynamodb.parsing.validators import Validator

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, patch
from emulator.speedups.dynamodb_expressions import conditions, tree_copy, walks


def _install() -> None:
    patch(ConditionExpressionParser, "parse", conditions.parsed_once)
    patch(validators, "deepcopy", lambda original: tree_copy.tree_copier(Node))
    patch(DepthFirstTraverser, "traverse", lambda original: walks.walker(DepthFirstTraverser, Node))
    patch(Node, "find_clauses", lambda original: walks.clause_finder((Expression, UpdateExpressionFunction)))


EXTENSION = MotoExtension(
    name="dynamodb-expressions",
    kind=Kind.SPEED_UP,
    purpose="conditions parsed once per text, update trees copied directly and walked without per-node rebuilds",
    module=__name__,
    seams=(
        Signature(ConditionExpressionParser, "parse", ("self",)),
        Signature(ConditionExpressionParser, "__init__",
                  ("self", "condition_expression", "expression_attribute_names", "expression_attribute_values")),
        SourceLine(ConditionExpressionParser, "parse", "self.expr_attr_names_found.extend("),
        # The validator copies the tree with the module's own `deepcopy`, the name replaced here.
        Holds("moto.dynamodb.parsing.validators imports deepcopy by name", lambda: hasattr(validators, "deepcopy")),
        SourceLine(Validator, "__init__", "self.node_to_validate = deepcopy(expression)"),
        Signature(DepthFirstTraverser, "traverse", ("self", "node")),
        Signature(DepthFirstTraverser, "traverse_node_recursively", ("self", "node", "child_id")),
        Signature(DepthFirstTraverser, "nodes_to_be_processed", ("self",)),
        Signature(DepthFirstTraverser, "_processing_map", ("self",)),
        Signature(DepthFirstTraverser, "process", ("self", "node")),
        Signature(DepthFirstTraverser, "pre_processing_of_child", ("self", "parent_node", "child_id")),
        SourceLine(DepthFirstTraverser, "traverse", "return self.traverse_node_recursively(node)"),
        SourceLine(DepthFirstTraverser, "traverse_node_recursively", "self.pre_processing_of_child(node, i)"),
        SourceLine(DepthFirstTraverser, "traverse_node_recursively", "self.traverse_node_recursively(child_node, i)"),
        Signature(Node, "find_clauses", ("self", "clause_types")),
        SourceLine(Node, "find_clauses", "if type(child) in clause_types:"),
        SourceLine(Node, "find_clauses", "elif isinstance(child, Expression):"),
        SourceLine(Node, "find_clauses", "elif isinstance(child, UpdateExpressionFunction):"),
        SourceLine(Node, "find_clauses", "clauses.extend(child.find_clauses(clause_types))"),
    ),
    install=_install,
)
