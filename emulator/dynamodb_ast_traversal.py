"""moto's update-expression tree walk, with the per-node lookups done once per walk.

moto validates an UpdateExpression with ten processors (DepthFirstTraverser subclasses), each walking the
whole tree. Its ``traverse_node_recursively`` rebuilds the processor's class map twice for every node it
visits (``nodes_to_be_processed()`` builds a dict then a tuple, ``process()`` the dict again), so the walks
cost more than the processing: ~35 nodes x 10 walks per write of the handlers' expressions.

``traverse`` below is the same depth-first, bottom-up walk (children left to right, ``pre_processing_of_child``
before each child, a processed node put back in its parent's place with the same parent), with the class map
and the tuple built once per walk. That is equivalent because moto's ``_processing_map()`` returns a fixed
mapping (node classes to bound methods) for a processor; ``process`` and ``pre_processing_of_child`` are still
the processor's own when a subclass overrides them. A processor that overrides ``traverse`` or
``traverse_node_recursively`` is walked by moto's code (none does in the pinned moto).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


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
            if isinstance(node, node_class):
                parent = node.parent
                if node.children is not None:
                    for index, child in enumerate(node.children):
                        if hook is not None:
                            hook(node, index)
                        visit(child, index)
                if isinstance(node, processed_types):
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
        for node_type, handler in handlers:
            if isinstance(node, node_type):
                return handler(node)
        return None

    return process
