"""A handler's import figure is its import time above the floor (boto3 and one DynamoDB client) on Lambda's
Python, the only one that imports the archive's bytecode; on this venv's Python when Lambda's was not timed."""

from __future__ import annotations

import pytest

from bench.cold_start import ABOVE_FLOOR_TARGET_MS, FLOOR, above_floor

FLOOR_TIMES = {
    "venv": {"import boto3": 120.0, FLOOR: 180.0},
    "python3.13": {"import boto3": 130.0, FLOOR: 200.0},
}


def test_the_figure_is_lambdas_python_s_difference_when_it_was_timed() -> None:
    assert above_floor({"venv": 300.0, "python3.13": 290.0}, FLOOR_TIMES) == pytest.approx(90.0)
    assert above_floor({"venv": 200.0, "python3.13": 260.0}, FLOOR_TIMES) == pytest.approx(60.0)


def test_a_handler_that_imports_less_than_the_floor_is_below_it() -> None:
    assert above_floor({"venv": 150.0}, FLOOR_TIMES) == pytest.approx(-30.0)


def test_the_target_is_fifty_milliseconds_above_the_floor() -> None:
    assert ABOVE_FLOOR_TARGET_MS == 50.0
