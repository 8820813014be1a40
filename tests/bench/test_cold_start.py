"""A handler's import figure is the median of its import times above the floor (boto3 and one DynamoDB client)
timed side by side, on Lambda's Python, the only one that imports the archive's bytecode; on this venv's Python
when Lambda's was not timed."""

from __future__ import annotations

from bench.cold_start import ABOVE_FLOOR_TARGET_MS, above_floor, figure_python


def test_the_figure_is_the_median_of_the_paired_differences_with_their_range() -> None:
    # The floors move from pair to pair as the machine does; each difference is taken within its pair.
    pairs = [(200.0, 260.0), (400.0, 430.0), (300.0, 390.0), (250.0, 290.0), (500.0, 545.0)]
    assert above_floor(pairs) == (45.0, 30.0, 90.0)


def test_a_handler_that_imports_less_than_the_floor_is_below_it() -> None:
    assert above_floor([(180.0, 150.0), (200.0, 160.0), (190.0, 170.0)]) == (-30.0, -40.0, -20.0)


def test_the_figure_comes_from_lambdas_python_when_it_was_timed() -> None:
    assert figure_python({"venv": {}, "python3.13": {}}) == "python3.13"
    assert figure_python({"venv": {}}) == "venv"


def test_the_target_is_fifty_milliseconds_above_the_floor() -> None:
    assert ABOVE_FLOOR_TARGET_MS == 50.0
