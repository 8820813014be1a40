"""A condition parsed once per (expression, names, values) evaluates and reports what moto's fresh parse does."""

from __future__ import annotations

from typing import Any

import pytest
from emulator.dynamodb_condition_cache import ParsedConditions
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import Item

# powertools' idempotency condition, and the handlers' own kinds.
IDEMPOTENCY = (
    "attribute_not_exists(#id) OR #expiry < :now OR "
    "(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"
)
IDEMPOTENCY_NAMES = {"#id": "id", "#expiry": "expiration", "#in_progress_expiry": "in_progress_expiration",
                     "#status": "status"}
CONDITIONS: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    (IDEMPOTENCY, IDEMPOTENCY_NAMES,
     {":now": {"N": "1780000000"}, ":now_in_millis": {"N": "1780000000123"}, ":inprogress": {"S": "INPROGRESS"}}),
    ("attribute_not_exists(pk)", None, None),
    ("attribute_not_exists(pk) OR #status = :pending", {"#status": "status"}, {":pending": {"S": "PENDING"}}),
    ("quantity >= :wanted AND begins_with(sku, :prefix)", None, {":wanted": {"N": "2"}, ":prefix": {"S": "KB"}}),
]
ITEMS = [
    None,
    {"id": {"S": "x"}, "expiration": {"N": "1790000000"}, "status": {"S": "COMPLETED"}},
    {"id": {"S": "x"}, "expiration": {"N": "1770000000"}, "status": {"S": "COMPLETED"}},
    {"id": {"S": "x"}, "expiration": {"N": "1790000000"}, "status": {"S": "INPROGRESS"},
     "in_progress_expiration": {"N": "1770000000000"}},
    {"pk": {"S": "o-1"}, "status": {"S": "PENDING"}, "quantity": {"N": "3"}, "sku": {"S": "KB-1"}},
    {"pk": {"S": "o-1"}, "status": {"S": "FAILED"}, "quantity": {"N": "1"}, "sku": {"S": "MS-1"}},
]


def item(attributes: dict[str, Any] | None) -> Item | None:
    return None if attributes is None else Item(hash_key=None, range_key=None, attrs=attributes)


def fresh_parser(condition: tuple[str, Any, Any]) -> ConditionExpressionParser:
    return ConditionExpressionParser(*condition)


def counting(calls: list[str]) -> Any:
    def parse(parser: ConditionExpressionParser) -> Any:
        calls.append(str(parser.condition_expression))
        return ConditionExpressionParser.parse(parser)

    return parse


@pytest.mark.parametrize("condition", CONDITIONS)
def test_a_cached_condition_is_the_fresh_parse(condition: tuple[str, Any, Any]) -> None:
    conditions, calls = ParsedConditions(), []
    for _ in range(3):  # the first parse fills the cache, the others are served from it
        fresh, cached = fresh_parser(condition), fresh_parser(condition)
        fresh_tree = fresh.parse()
        cached_tree = conditions.parse(counting(calls), cached)
        assert cached.expr_attr_names_found == fresh.expr_attr_names_found
        assert cached.expr_attr_values_found == fresh.expr_attr_values_found
        for attributes in ITEMS:
            assert cached_tree.expr(item(attributes)) == fresh_tree.expr(item(attributes))
    assert calls == [condition[0]]


def test_other_values_are_another_condition() -> None:
    conditions, calls = ParsedConditions(), []
    expression, names, values = CONDITIONS[2]
    conditions.parse(counting(calls), ConditionExpressionParser(expression, names, values))
    other = ConditionExpressionParser(expression, names, {":pending": {"S": "FAILED"}})
    tree = conditions.parse(counting(calls), other)
    assert len(calls) == 2
    assert tree.expr(item(ITEMS[5])) is True and tree.expr(item(ITEMS[4])) is False


def test_errors_and_binary_values_are_not_cached() -> None:
    conditions, calls = ParsedConditions(), []
    for _ in range(2):
        with pytest.raises(Exception):  # noqa: B017 - whatever moto raises for a bad expression, every time
            conditions.parse(counting(calls), ConditionExpressionParser("attribute_not_exists(", None, None))
    binary = ("#b = :b", {"#b": "b"}, {":b": {"B": b"\x00"}})
    for _ in range(2):
        conditions.parse(counting(calls), fresh_parser(binary))
    assert len(calls) == 4 and len(conditions) == 0


def test_the_cache_is_bounded() -> None:
    conditions = ParsedConditions(max_entries=2)
    for wanted in range(5):
        condition = ("quantity >= :wanted", None, {":wanted": {"N": str(wanted)}})
        conditions.parse(ConditionExpressionParser.parse, fresh_parser(condition))
    assert len(conditions) == 2
