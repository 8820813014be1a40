"""Each execution a benchmark ran must have ended as its path should; the others are named."""

from __future__ import annotations

from bench.executions import Finished, wrong_outcomes
from sagactl.cost.orders import EXPECTED_OUTCOME, SagaPath


def test_only_executions_that_ended_otherwise_are_named() -> None:
    finished = [
        Finished(SagaPath.HAPPY, "arn:1", "SUCCEEDED", None, 0.04),
        Finished(SagaPath.DECLINED, "arn:2", "FAILED", "PaymentDeclined", 0.02),
        Finished(SagaPath.OUT_OF_STOCK, "arn:3", "SUCCEEDED", None, 0.05),
    ]
    assert wrong_outcomes(finished, EXPECTED_OUTCOME) == ["out_of_stock: SUCCEEDED  (arn:3)"]
