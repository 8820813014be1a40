"""Each condition expression parsed once per (expression, names, values), not twice per conditional write.

moto parses a write's ConditionExpression in its request handler (to check that every attribute name and value
given is used) and again in its backend (to evaluate it), with a tokenizer and parser in pure Python. The parse is
a pure function of the expression and its attribute names and values: it returns a tree of moto's Op/Func objects,
which are only read afterwards (``expr(item)`` evaluates them), and fills the parser's ``expr_attr_names_found`` /
``expr_attr_values_found`` lists, which the request handler reads. So the results are kept per (expression,
names, values): a hit hands the parser the lists and the shared tree. powertools' values change with every request
(``:now``), so for its condition the second parse of the same request is the hit; conditions with fixed values
(``attribute_not_exists(pk)``) hit across requests. Errors are not kept (an invalid expression fails on every
parse), nor conditions whose values have no JSON form (binary values).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import ConditionExpressionParser

MAX_CONDITIONS = 512
Parsed = tuple[Any, tuple[str, ...], tuple[str, ...]]  # (tree, names found, values found)


def parsed_once(original: Callable[[ConditionExpressionParser], Any]) -> Callable[[ConditionExpressionParser], Any]:
    """A replacement for ``ConditionExpressionParser.parse(self)``."""

    @functools.lru_cache(maxsize=MAX_CONDITIONS)
    def parse_text(expression: str, names: str, values: str) -> Parsed:
        parser = ConditionExpressionParser(expression, json.loads(names), json.loads(values))
        tree = original(parser)
        return tree, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)

    def parse(self: ConditionExpressionParser) -> Any:
        key = _key(self)
        if key is None:
            return original(self)
        tree, names_found, values_found = parse_text(*key)
        self.expr_attr_names_found.extend(names_found)
        self.expr_attr_values_found.extend(values_found)
        return tree

    parse.cache_info = parse_text.cache_info  # type: ignore[attr-defined]
    return parse


def _key(parser: ConditionExpressionParser) -> tuple[str, str, str] | None:
    if not parser.condition_expression or type(parser) is not ConditionExpressionParser:
        return None  # moto answers an empty condition at once; a subclass parses its own way
    try:
        names = json.dumps(parser.expression_attribute_names, sort_keys=True)
        values = json.dumps(parser.expression_attribute_values, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return parser.condition_expression, names, values
