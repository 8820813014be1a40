"""Update expressions parsed once, copied, and walked with the class maps built once do what moto's code does.

Each case runs through moto's backend (DynamoDBBackend.update_item: parse, validate, normalize, execute) twice:
with moto's own code (whatever another test module installed), and with the emulator's shared trees
(dynamodb_update_parse_cache), walks and clause finder (dynamodb_ast_traversal) and tree copy
(dynamodb_tree_copy). Same item after, or the same error; and the shared trees are left as parsed.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from emulator.dynamodb_ast_traversal import clause_finder, walker
from emulator.dynamodb_tree_copy import tree_copier
from emulator.dynamodb_update_parse_cache import ParsedUpdateExpressions
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser, Expression, Node, UpdateExpressionFunction
from moto.dynamodb.parsing.expressions import UpdateExpressionParser

KEY = {"pk": {"S": "ORDER#o-1"}, "sk": {"S": "ORDER"}}
ORDER = {**KEY, "status": {"S": "PENDING"}, "amount_minor": {"N": "2599"}, "labels": {"SS": ["gift"]},
         "flags": {"SS": ["new", "fragile"]}, "steps": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
         "notes": {"L": [{"S": "x"}, {"S": "y"}]}, "shipping": {"M": {"town": {"S": "Lyon"}}}}
NOW = {":now": {"S": "2026-11-26T03:00:00Z"}}
ONE = {":one": {"N": "1"}}

# (item before or None, UpdateExpression, names, values): the handlers' expressions, then moto's other paths.
CASES: list[tuple[dict[str, Any] | None, str, dict[str, str] | None, dict[str, Any]]] = [
    (ORDER, "SET #status = :confirmed, updated_at = :now, payment_id = :payment_id,"
            " confirmation_id = if_not_exists(confirmation_id, :confirmation_id),"
            " confirmed_at = if_not_exists(confirmed_at, :now)",
     {"#status": "status"},
     {":confirmed": {"S": "CONFIRMED"}, ":payment_id": {"S": "pay-1"}, ":confirmation_id": {"S": "conf-1"}, **NOW}),
    (None, "SET #response_data = :response_data, #expiry = :expiry, #status = :status",
     {"#response_data": "data", "#expiry": "expiration", "#status": "status"},
     {":response_data": {"S": '{"ok": true}'}, ":expiry": {"N": "1790000000"}, ":status": {"S": "COMPLETED"}}),
    (ORDER, "SET amount_minor = amount_minor - :quantity, updated_at = :now", None,
     {":quantity": {"N": "99"}, **NOW}),
    (None, "SET available = if_not_exists(available, :zero) + :quantity, updated_at = :now", None,
     {":zero": {"N": "0"}, ":quantity": {"N": "3"}, **NOW}),
    (ORDER, "SET steps = list_append(steps, :more), shipping.town = :town, #notes[1] = :first", {"#notes": "notes"},
     {":more": {"L": [{"S": "e"}]}, ":town": {"S": "Paris"}, ":first": {"S": "B"}}),
    (ORDER, "REMOVE steps[0], steps[2], shipping.town", None, {}),
    (ORDER, "ADD amount_minor :one, labels :labels DELETE flags :gone", None,
     {**ONE, ":labels": {"SS": ["rush"]}, ":gone": {"SS": ["new"]}}),
    # errors moto raises while validating or executing
    (ORDER, "SET amount_minor = :one, amount_minor = :two", None, {**ONE, ":two": {"N": "2"}}),
    (ORDER, "SET pk = :x", None, {":x": {"S": "other"}}),
    (ORDER, "SET a = :one SET b = :one", None, ONE),
    (ORDER, "SET n = absent_attribute + :one", None, ONE),
    (ORDER, "SET amount_minor = #status + :one", {"#status": "status"}, ONE),
    (ORDER, "SET amount_minor = :nope", None, ONE),
    (ORDER, "SET sk = :empty", None, {":empty": {"S": ""}}),
]


def update(case: tuple[Any, ...]) -> Any:
    """The item after ``case`` on a fresh table, or the error moto raised (class and message)."""
    before, expression, names, values = case
    backend = DynamoDBBackend("eu-west-1", "123456789012")
    backend.create_table(
        "orders", schema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        throughput=None, attr=[{"AttributeName": "pk", "AttributeType": "S"},
                               {"AttributeName": "sk", "AttributeType": "S"}],
        global_indexes=None, indexes=None, streams=None, billing_mode="PAY_PER_REQUEST", sse_specification=None,
        tags=[], deletion_protection_enabled=False, warm_throughput=None,
    )
    if before is not None:
        backend.put_item("orders", copy.deepcopy(before))
    try:
        item = backend.update_item("orders", copy.deepcopy(KEY), expression, copy.deepcopy(names),
                                   copy.deepcopy(values))
    except Exception as error:
        return type(error).__name__, str(error)
    return item.to_json()["Attributes"]


def shape(node: Any) -> Any:
    """A tree as plain data (its parent links left out: they point back up)."""
    if isinstance(node, Node):
        fields = {name: shape(value) for name, value in vars(node).items() if name != "parent"}
        return type(node).__name__, fields
    if isinstance(node, list):
        return [shape(child) for child in node]
    return repr(node)


@pytest.mark.parametrize("case", CASES, ids=[case[1][:40] for case in CASES])
def test_an_update_does_what_moto_does(case: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as moto_only:
        use_motos_own_code(moto_only)
        expected = update(case)
    calls: list[str] = []
    install_emulator_walks(monkeypatch, counting(calls))

    for _ in range(3):  # the first update parses; the others share its tree
        assert update(case) == expected
    assert calls == [case[1]]


def test_a_shared_tree_is_left_as_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = install_emulator_walks(monkeypatch, MOTO_MAKE)
    for case in CASES:
        update(case)
        update(case)
    assert len(parsed) == len({case[1] for case in CASES})
    for _, expression, _, _ in CASES:
        assert shape(UpdateExpressionParser.make(expression)) == shape(MOTO_MAKE(expression)), expression


def test_an_expression_that_does_not_parse_fails_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    parsed = install_emulator_walks(monkeypatch, counting(calls))
    for _ in range(2):
        with pytest.raises(Exception, match="Invalid UpdateExpression"):
            UpdateExpressionParser.make("SET = :a")
    assert calls == ["SET = :a", "SET = :a"] and len(parsed) == 0


def test_the_oldest_expressions_make_room() -> None:
    parsed = ParsedUpdateExpressions(max_entries=2)
    calls: list[str] = []
    for expression in ("SET a = :a", "SET b = :b", "SET a = :a", "SET c = :c", "SET b = :b"):
        parsed.make(counting(calls), expression)
    assert calls == ["SET a = :a", "SET b = :b", "SET c = :c", "SET b = :b"]  # b was the least recently used
    assert len(parsed) == 2


def unpatched(function: Any) -> Any:
    return getattr(function, "__emulator_original__", function)  # moto_extensions keeps what it replaced there


MOTO_MAKE = unpatched(UpdateExpressionParser.make.__func__)
if getattr(MOTO_MAKE, "__self__", None) is not UpdateExpressionParser:
    MOTO_MAKE = UpdateExpressionParser.make


def use_motos_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undoes the extensions this file tests, in case another test module installed them process-wide."""
    monkeypatch.setattr(UpdateExpressionParser, "make", classmethod(MOTO_MAKE.__func__))
    monkeypatch.setattr(DepthFirstTraverser, "traverse", unpatched(DepthFirstTraverser.traverse))
    monkeypatch.setattr(Node, "find_clauses", unpatched(Node.find_clauses))
    monkeypatch.setattr(validators, "deepcopy", copy.deepcopy)


def counting(calls: list[str]) -> Any:
    def make(expression: str) -> Any:
        calls.append(expression)
        return MOTO_MAKE(expression)

    return make


def install_emulator_walks(monkeypatch: pytest.MonkeyPatch, parse: Any) -> ParsedUpdateExpressions:
    """dynamodb-update-parsed-once (over ``parse``) and dynamodb-update-walks, as moto_extensions installs them."""
    parsed = ParsedUpdateExpressions()
    monkeypatch.setattr(UpdateExpressionParser, "make",
                        classmethod(lambda cls, expression: parsed.make(parse, expression)))
    monkeypatch.setattr(DepthFirstTraverser, "traverse", walker(DepthFirstTraverser, Node))
    monkeypatch.setattr(Node, "find_clauses", clause_finder((Expression, UpdateExpressionFunction)))
    monkeypatch.setattr(validators, "deepcopy", tree_copier(Node))
    return parsed
