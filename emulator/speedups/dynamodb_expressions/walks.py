"""moto's update-expression tree walk, with the per-node lookups done once per walk.

moto validates an UpdateExpression with ten processors (DepthFirstTraverser subclasses), each walking the
whole tree. Its ``traverse_node_recursively`` rebuilds the processor's class map twice for every node it
visits (``nodes_to_be_processed()`` builds a dict then a tuple, ``process()`` the dict again), so the walks
cost more than the processing, for every node of every walk of every write.

``traverse`` below is the same depth-first, bottom-up walk (children left to right, ``pre_processing_of_child``
before each child, a processed node put back in its parent's place with the same parent), with the class map
and the tuple built once per walk. That is equivalent because moto's ``_processing_map()`` returns a fixed
mapping (node classes to bound methods) for a processor; ``process`` and ``pre_processing_of_child`` are still
the processor's own when a subclass overrides them. A processor that overrides ``traverse`` or
``traverse_node_recursively`` is walked by moto's code (none does in the pinned moto).

The class tests are answered per node class, once: moto's nodes are ABCs, and ``isinstance`` against an ABC
goes through ``ABCMeta.__instancecheck__``, a Python-level call, thousands of them per UpdateItem.
``isinstance(node, C)`` depends only on ``type(node)`` and C (no class is registered as a virtual subclass while
the emulator runs), so a cache keyed by the node's class gives the same answers. ``find_clauses`` is moto's
``Node.find_clauses`` (ActionCountValidator calls it three times on every UpdateExpression node, each a walk of
the node's subtree) with the same cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (class of a node, class or tuple of classes) -> isinstance's answer; the second part of the key is one of
# the few fixed classes and tuples below, so the cache stays as small as the set of node classes.
_subclass_of: dict[tuple[type[Any], Any], bool] = {}


def _is(kind: type[Any], classes: Any) -> bool:
    answer = _subclass_of.get((kind, classes))
    if answer is None:
        answer = _subclass_of[(kind, classes)] = issubclass(kind, classes)
    return answer


def walker(traverser_class: type[Any], node_class: type[Any]) -> Callable[[Any, Any], Any]:
    """A replacement for ``traverser_class.traverse(self, node)``; moto's own for processors that walk differently."""
    original_traverse = traverser_class.traverse
    base_hook = traverser_class.pre_processing_of_child
    base_process = traverser_class.process
    base_recursion = traverser_class.traverse_node_recursively

    def traverse(self: Any, root: Any) -> Any:
        kind = type(self)
        if kind.traverse_node_recursively is not base_recursion:
            return original_traverse(self, root)
        processed_types = self.nodes_to_be_processed()
        hook = None if kind.pre_processing_of_child is base_hook else self.pre_processing_of_child
        process = _processor(self) if kind.process is base_process else self.process

        def visit(node: Any, child_id: int) -> Any:
            kind = type(node)
            if _is(kind, node_class):
                parent = node.parent
                if node.children is not None:
                    for index, child in enumerate(node.children):
                        if hook is not None:
                            hook(node, index)
                        visit(child, index)
                if _is(kind, processed_types):
                    node = process(node)
                    node.parent = parent
                    if parent:
                        parent.children[child_id] = node
            return node

        return visit(root, -1)

    return traverse


def _processor(traverser: Any) -> Callable[[Any], Any]:
    """moto's ``DepthFirstTraverser.process``: the first class of the map the node is an instance of."""
    handlers = tuple(traverser._processing_map().items())

    def process(node: Any) -> Any:
        kind = type(node)
        for node_type, handler in handlers:
            if _is(kind, node_type):
                return handler(node)
        return None

    return process


def clause_finder(descend_into: tuple[type[Any], ...]) -> Callable[[Any, Any], list[Any]]:
    """A replacement for moto's ``Node.find_clauses(self, clause_types)``: the children whose class is one of
    ``clause_types``, and those found below children of the ``descend_into`` classes (moto: Expression and
    UpdateExpressionFunction), in the same order."""

    def find_clauses(self: Any, clause_types: Any) -> list[Any]:
        clauses: list[Any] = []
        for child in self.children or []:
            kind = type(child)
            if kind in clause_types:
                clauses.append(child)
            elif _is(kind, descend_into):
                clauses.extend(child.find_clauses(clause_types))
        return clauses

    return find_clauses
