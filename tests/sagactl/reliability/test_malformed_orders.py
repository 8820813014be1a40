"""The bad-input strategies' promise, checked against the handlers' own validation (no emulator needed): every
input is invalid as sent, and as a JSONata workflow hands it to the Lambda (the saga's default language)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import NoSuchExample

from devstack.domain import domain_module
from emulator.stepfunctions.jsonata.engine import evaluate
from sagactl.reliability.malformed_orders import MAX_INPUT_BYTES, is_oversized, malformed_orders


def test_every_generated_input_is_invalid_for_the_domain_model() -> None:
    invalid_order = domain_module("errors").InvalidOrderException
    parse_order_input = domain_module("validation").parse_order_input

    @settings(max_examples=400, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(malformed_orders())
    def refused(order: Any) -> None:
        with pytest.raises(invalid_order):
            parse_order_input(order)
        with pytest.raises(invalid_order):
            parse_order_input(as_a_jsonata_workflow_hands_it(order))

    refused()


def as_a_jsonata_workflow_hands_it(order: Any) -> Any:
    """`{% $states.input %}`: JSONata's numbers are JavaScript's, so a quantity of 2.0 reaches the Lambda as 2."""
    return evaluate("$states.input", {"states": {"input": order}}).value


def test_no_integer_field_is_broken_with_a_whole_float() -> None:
    assert as_a_jsonata_workflow_hands_it({"quantity": 2.0, "price": 2.5}) == {"quantity": 2, "price": 2.5}
    with pytest.raises(NoSuchExample):
        find(malformed_orders(), has_a_whole_float_line_number,
             settings=settings(max_examples=1000, derandomize=True, database=None,
                               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))


def has_a_whole_float_line_number(order: Any) -> bool:
    lines = order.get("items") if isinstance(order, dict) else None
    return isinstance(lines, list) and any(
        isinstance(line, dict) and isinstance(line.get(field), float) and line[field].is_integer()
        for line in lines for field in ("quantity", "unit_price_minor")
    )


def test_oversized_means_over_step_functions_input_limit_in_utf8_bytes() -> None:
    assert MAX_INPUT_BYTES == 256 * 1024
    assert not is_oversized({"notes": "x" * (MAX_INPUT_BYTES - len('{"notes": ""}'))})
    assert is_oversized({"notes": "x" * (MAX_INPUT_BYTES - len('{"notes": ""}') + 1)})
    assert is_oversized({"notes": "é" * (MAX_INPUT_BYTES // 2)})  # two bytes each in UTF-8
