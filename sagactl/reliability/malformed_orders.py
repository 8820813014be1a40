"""Hypothesis strategies for orders that must be refused: every one is invalid by construction.

A valid order is drawn first, then broken in one of the ways clients break orders: a field missing or of the
wrong type, quantities zero, negative or huge, prices out of range, unicode where only ASCII ids are allowed,
unknown fields, too many or repeated lines, a wrong total, secrets with whitespace, a top level that is not an
object at all, or a payload over Step Functions' 256 KiB input limit. Used by the bad-input tests and by
`sagactl fuzz` (hypothesis is a development dependency, like the tests).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

MAX_INPUT_BYTES = 262_144
REQUIRED_FIELDS = ("order_id", "customer_id", "currency", "payment_token", "items")
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_NOT_AN_INT = st.one_of(
    st.none(),
    st.booleans(),
    # Not 2.0: JSONata's numbers are JavaScript's, so a JSONata workflow hands the Lambda 2, a valid quantity.
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda number: not number.is_integer()),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)
_NOT_A_STRING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.lists(st.text(max_size=3), max_size=2)
)
# Outside [A-Za-z0-9_-] (order ids) and [A-Za-z0-9._-] (SKUs): accents, scripts, emoji, spaces, symbols.
_FOREIGN_CHARACTER = st.characters(
    exclude_categories=["Cs"], exclude_characters=_ID_ALPHABET + ".", min_codepoint=0x20
)


@st.composite
def valid_orders(draw: st.DrawFn) -> dict[str, Any]:
    lines = draw(st.integers(min_value=1, max_value=4))
    skus = draw(st.lists(st.text(_ID_ALPHABET, min_size=1, max_size=12), min_size=lines, max_size=lines, unique=True))
    return {
        "order_id": "fz-" + draw(st.text(_ID_ALPHABET, min_size=1, max_size=30)),
        "customer_id": draw(st.text(min_size=1, max_size=40).filter(_printable_non_blank)),
        "currency": draw(st.sampled_from(["EUR", "USD", "GBP", "JPY", "CHF"])),
        "payment_token": "tok_" + draw(st.text(_ID_ALPHABET, min_size=1, max_size=20)),
        "items": [
            {
                "sku": "S" + sku,
                "quantity": draw(st.integers(min_value=1, max_value=1000)),
                "unit_price_minor": draw(st.integers(min_value=1, max_value=100_000_000)),
            }
            for sku in skus
        ],
    }


# Mostly orders broken in one place; some inputs that are no object at all; a few too large to be accepted.
_SHAPES = ("broken",) * 16 + ("not an object",) * 3 + ("oversized",)


@st.composite
def malformed_orders(draw: st.DrawFn) -> Any:
    """Any invalid input: oversized ones included (one in twenty), and inputs that are no JSON object."""
    shape = draw(st.sampled_from(_SHAPES))
    if shape == "broken":
        return draw(_broken_orders())
    if shape == "not an object":
        return draw(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.lists(st.integers())))
    return draw(_oversized_orders())


def _broken_orders() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        _with_missing_field(),
        _with_wrong_type(),
        _with_bad_quantity(),
        _with_bad_price(),
        _with_foreign_characters(),
        _with_unknown_field(),
        _with_bad_item_count(),
        _with_repeated_sku(),
        _with_wrong_total(),
        _with_bad_secret_or_customer(),
    )


@st.composite
def _with_missing_field(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    for name in draw(st.lists(st.sampled_from(REQUIRED_FIELDS), min_size=1, unique=True)):
        order.pop(name)
    return order


@st.composite
def _with_wrong_type(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    name = draw(st.sampled_from(REQUIRED_FIELDS))
    if name == "items":
        order[name] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.just({"sku": "X"})))
    else:
        order[name] = draw(_NOT_A_STRING)
    return order


@st.composite
def _with_bad_quantity(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    line = draw(st.sampled_from(order["items"]))
    line["quantity"] = draw(
        st.one_of(st.integers(max_value=0), st.integers(min_value=1001), st.just(10**30), _NOT_AN_INT)
    )
    return order


@st.composite
def _with_bad_price(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    line = draw(st.sampled_from(order["items"]))
    out_of_range = st.one_of(st.integers(max_value=0), st.integers(min_value=100_000_001))
    line["unit_price_minor"] = draw(st.one_of(out_of_range, _NOT_AN_INT))
    return order


@st.composite
def _with_foreign_characters(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    where = draw(st.sampled_from(["order_id", "sku", "currency"]))
    foreign = draw(_FOREIGN_CHARACTER)
    if where == "sku":
        line = draw(st.sampled_from(order["items"]))
        line["sku"] = line["sku"] + foreign
    elif where == "currency":
        order["currency"] = draw(st.sampled_from(["eur", "EURO", "€", "E U", "ÉUR", ""]))
    else:
        order["order_id"] = order["order_id"] + foreign
    return order


@st.composite
def _with_unknown_field(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    name = draw(st.text(min_size=1, max_size=20).filter(lambda n: n not in (*REQUIRED_FIELDS, "total_minor")))
    if draw(st.booleans()):
        order[name] = draw(st.text(max_size=10))
    else:
        line = draw(st.sampled_from(order["items"]))
        if name not in ("sku", "quantity", "unit_price_minor"):
            line[name] = 1
        else:
            order["quantitiy"] = 1
    return order


@st.composite
def _with_bad_item_count(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    if draw(st.booleans()):
        order["items"] = []
    else:
        count = draw(st.integers(min_value=100, max_value=130))
        order["items"] = [{"sku": f"S{i}", "quantity": 1, "unit_price_minor": 1} for i in range(count)]
    return order


@st.composite
def _with_repeated_sku(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    order["items"].append(dict(draw(st.sampled_from(order["items"]))))
    return order


@st.composite
def _with_wrong_total(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    right = sum(line["quantity"] * line["unit_price_minor"] for line in order["items"])
    order["total_minor"] = draw(st.integers().filter(lambda total: total != right))
    return order


@st.composite
def _with_bad_secret_or_customer(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    if draw(st.booleans()):
        order["payment_token"] = draw(st.sampled_from(["", "tok visa", "tok\tvisa", "tok\nvisa", "x" * 256]))
    else:
        order["customer_id"] = draw(st.sampled_from(["", "   ", "cus\x00", "cus\x1f1", "c" * 129]))
    return order


@st.composite
def _oversized_orders(draw: st.DrawFn) -> dict[str, Any]:
    order = draw(valid_orders())
    padding = draw(st.integers(min_value=1, max_value=4096))
    order["notes"] = "n" * (MAX_INPUT_BYTES + padding)
    return order


def is_oversized(order: Any) -> bool:
    return len(json.dumps(order).encode("utf-8")) > MAX_INPUT_BYTES


def _printable_non_blank(text: str) -> bool:
    return bool(text.strip()) and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
