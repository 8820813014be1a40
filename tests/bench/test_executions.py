"""Each execution a benchmark ran must have ended as its path should; the others are named."""

from __future__ import annotations

import pytest

from bench.executions import Finished, FirstLook, wrong_outcomes
from sagactl.cost.orders import EXPECTED_OUTCOME, SagaPath


def test_only_executions_that_ended_otherwise_are_named() -> None:
    finished = [
        Finished(SagaPath.HAPPY, "arn:1", "SUCCEEDED", None, 0.04),
        Finished(SagaPath.DECLINED, "arn:2", "FAILED", "PaymentDeclined", 0.02),
        Finished(SagaPath.OUT_OF_STOCK, "arn:3", "SUCCEEDED", None, 0.05),
    ]
    assert wrong_outcomes(finished, EXPECTED_OUTCOME) == ["out_of_stock: SUCCEEDED  (arn:3)"]


def test_the_first_look_comes_a_little_before_executions_of_the_run_were_seen_to_end() -> None:
    first_look = FirstLook(window=3, fraction=0.8)
    assert first_look.seconds() == 0.0  # nothing seen yet: look at once
    for seen in (0.100, 0.300, 0.200):
        first_look.record(seen)
    assert first_look.seconds() == pytest.approx(0.160)
    first_look.record(0.500)  # the oldest (0.100) leaves the window
    assert first_look.seconds() == pytest.approx(0.240)
