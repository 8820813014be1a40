"""The bad-input strategies' promise, checked against the handlers' own validation (no emulator needed)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from devstack.domain import domain_module
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

    refused()


def test_oversized_means_over_step_functions_input_limit_in_utf8_bytes() -> None:
    assert MAX_INPUT_BYTES == 256 * 1024
    assert not is_oversized({"notes": "x" * (MAX_INPUT_BYTES - len('{"notes": ""}'))})
    assert is_oversized({"notes": "x" * (MAX_INPUT_BYTES - len('{"notes": ""}') + 1)})
    assert is_oversized({"notes": "é" * (MAX_INPUT_BYTES // 2)})  # two bytes each in UTF-8
