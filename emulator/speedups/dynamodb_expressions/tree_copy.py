"""``copy.deepcopy`` of an update-expression tree, without the generic machinery per node.

moto's update validator deep-copies the parsed tree before every UpdateItem (its processors replace nodes in
place; dynamodb-update-parsed-once shares one parsed tree per expression text). ``copy.deepcopy`` reduces
every node through ``__reduce_ex__`` and rebuilds it through ``copyreg``: a large part of an UpdateItem's CPU.

``tree_deepcopy`` makes the same copy for a tree of moto's nodes: a new instance of each node's class (as
``copyreg.__newobj__`` makes it: ``cls.__new__(cls)``) whose ``__dict__`` holds the attributes in the same
order, nodes and lists copied by this function, str/int/bool/None kept (deepcopy keeps them too), and any
other value (a DynamoType, with its own ``__deepcopy__``) handed to ``copy.deepcopy`` with the same memo, so
an object referenced twice is copied once, as deepcopy does. Anything that is not such a tree, or a node
with state deepcopy would not take from ``__dict__`` (``__slots__``, ``__deepcopy__``, ``__reduce_ex__`` or
``__getstate__`` of its own), goes to ``copy.deepcopy`` whole.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

_KEPT = (str, int, bool, float, type(None))


def tree_copier(node_class: type[Any]) -> Callable[..., Any]:
    """A stand-in for ``copy.deepcopy`` in moto's validators module."""
    plain_classes: dict[type[Any], bool] = {}

    def is_plain_node(kind: type[Any]) -> bool:
        plain = plain_classes.get(kind)
        if plain is None:
            plain = plain_classes[kind] = issubclass(kind, node_class) and _copied_from_dict(kind)
        return plain

    def tree_deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if memo is not None or not is_plain_node(type(value)):
            return copy.deepcopy(value, memo)
        return copy_value(value, {})

    def copy_value(value: Any, memo: dict[int, Any]) -> Any:
        kind = type(value)
        if kind in _KEPT:
            return value
        copied = memo.get(id(value))
        if copied is not None:
            return copied
        if kind is list:
            new_list: list[Any] = []
            memo[id(value)] = new_list
            new_list.extend(copy_value(item, memo) for item in value)
            return new_list
        if is_plain_node(kind):
            node = object.__new__(kind)  # what copyreg.__newobj__ calls for these classes (checked above)
            memo[id(value)] = node
            node.__dict__.update({name: copy_value(attribute, memo) for name, attribute in value.__dict__.items()})
            return node
        return copy.deepcopy(value, memo)

    return tree_deepcopy


def _copied_from_dict(kind: type[Any]) -> bool:
    """Whether deepcopy copies instances of ``kind`` as ``cls.__new__(cls)`` plus a copy of ``__dict__``."""
    return (
        "__slots__" not in _attributes(kind)
        and not hasattr(kind, "__deepcopy__")
        and kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
        and getattr(kind, "__getstate__", object.__getstate__) is object.__getstate__
        and getattr(kind, "__setstate__", None) is None
        and kind.__new__ is object.__new__
    )


def _attributes(kind: type[Any]) -> set[str]:
    return {name for klass in kind.__mro__ if klass is not object for name in vars(klass)}
