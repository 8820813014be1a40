"""Each DynamoDB condition expression parsed once per (expression, names, values), not twice per write.

moto parses a write's ConditionExpression in its request handler (to check that every attribute name and value
given is used) and again in its backend (to evaluate it): ~0.25 ms each for powertools' idempotency condition,
on every conditional PutItem, UpdateItem and DeleteItem, several per saga. ``ConditionExpressionParser.parse``
is a pure function of the expression and its attribute names and values: it returns a tree of moto's Op/Func
objects, which are only read afterwards (``expr(item)`` evaluates, nothing changes them), and fills the
parser's ``expr_attr_names_found`` / ``expr_attr_values_found`` lists, which the request handler reads.

So the results are kept per (expression, names, values) in a small LRU: a hit hands the parser copies of the
lists and the shared tree. Values are keyed as canonical JSON (a binary value, which has no JSON form, is not
cached). powertools' values change every request (``:now``), so for its condition the cache serves the second
parse of the same request; conditions with fixed values (``attribute_not_exists(pk)``) hit across requests.
Errors are not cached: an invalid expression fails on every parse, as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from emulator.speedups.locked_lru import LockedLru

_MAX_ENTRIES = 512
Parsed = tuple[Any, list[str], list[str]]  # (tree, names found, values found)


class ParsedConditions:
    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        self._parsed: LockedLru[Parsed] = LockedLru(max_entries)

    def parse(self, original: Callable[[Any], Any], parser: Any) -> Any:
        """``ConditionExpressionParser.parse(parser)``, from the cache when the same condition was parsed."""
        key = _key(parser)
        if key is None:
            return original(parser)
        parsed = self._parsed.get(key)
        if parsed is None:
            tree = original(parser)
            self._parsed.keep(key, (tree, list(parser.expr_attr_names_found), list(parser.expr_attr_values_found)))
            return tree
        tree, names_found, values_found = parsed
        parser.expr_attr_names_found.extend(names_found)
        parser.expr_attr_values_found.extend(values_found)
        return tree

    def __len__(self) -> int:
        return len(self._parsed)


def _key(parser: Any) -> tuple[str, str, str] | None:
    expression = parser.condition_expression
    if not expression:
        return None  # moto returns a default Op at once
    try:
        names = json.dumps(parser.expression_attribute_names, sort_keys=True)
        values = json.dumps(parser.expression_attribute_values, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return expression, names, values
