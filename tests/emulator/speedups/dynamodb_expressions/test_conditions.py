"""A condition is parsed once per (expression, names, values); the parser is left as moto's parse leaves it."""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import Item

from emulator.speedups.dynamodb_expressions.conditions import parsed_once

CONDITION = ("attribute_not_exists(pk) OR #status = :pending", {"#status": "status"}, {":pending": {"S": "PENDING"}})
PENDING = Item(hash_key=None, range_key=None, attrs={"pk": {"S": "o"}, "status": {"S": "PENDING"}})
FAILED = Item(hash_key=None, range_key=None, attrs={"pk": {"S": "o"}, "status": {"S": "FAILED"}})


def counting(calls: list[str]) -> Any:
    def parse(parser: ConditionExpressionParser) -> Any:
        calls.append(str(parser.condition_expression))
        return ConditionExpressionParser.parse(parser)

    return parse


def test_the_same_condition_is_parsed_once_and_reports_what_it_found() -> None:
    calls: list[str] = []
    parse = parsed_once(counting(calls))
    for _ in range(3):
        fresh, cached = ConditionExpressionParser(*CONDITION), ConditionExpressionParser(*CONDITION)
        fresh_tree, cached_tree = fresh.parse(), parse(cached)
        assert (cached.expr_attr_names_found, cached.expr_attr_values_found) == (
            fresh.expr_attr_names_found, fresh.expr_attr_values_found)
        answers = [cached_tree.expr(item) for item in (None, PENDING, FAILED)]
        assert answers == [fresh_tree.expr(item) for item in (None, PENDING, FAILED)] == [True, True, False]
    assert calls == [CONDITION[0]]


def test_other_values_are_another_condition() -> None:
    calls: list[str] = []
    parse = parsed_once(counting(calls))
    parse(ConditionExpressionParser(*CONDITION))
    tree = parse(ConditionExpressionParser(CONDITION[0], CONDITION[1], {":pending": {"S": "FAILED"}}))
    assert len(calls) == 2 and tree.expr(FAILED) is True and tree.expr(PENDING) is False


def test_errors_and_binary_values_are_parsed_every_time() -> None:
    calls: list[str] = []
    parse = parsed_once(counting(calls))
    for _ in range(2):
        with pytest.raises(ValueError, match="Bad function expression"):
            parse(ConditionExpressionParser("attribute_not_exists(", None, None))
    for _ in range(2):
        parse(ConditionExpressionParser("#b = :b", {"#b": "b"}, {":b": {"B": b"\x00"}}))
    assert len(calls) == 4 and parse.cache_info().currsize == 0  # type: ignore[attr-defined]
