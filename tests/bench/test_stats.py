"""Latency figures are nearest-rank percentiles: every one is a measured value, none interpolated."""

from __future__ import annotations

import math

from bench.stats import Latency, ms, percentile


def test_a_percentile_is_the_value_at_its_nearest_rank() -> None:
    values = [0.5, 0.1, 0.4, 0.2, 0.3]  # unsorted on purpose
    assert percentile(values, 0.50) == 0.3
    assert percentile(values, 0.95) == 0.5
    assert percentile(values, 0.01) == 0.1
    assert percentile(list(range(1, 101)), 0.99) == 99


def test_no_values_give_no_percentile() -> None:
    assert math.isnan(percentile([], 0.5))
    assert ms(Latency.of([]).p50_ms) == "-"


def test_latency_is_in_milliseconds_from_seconds() -> None:
    latency = Latency.of([0.010, 0.020, 0.030, 0.040])
    assert (latency.count, latency.p50_ms, latency.p95_ms, latency.p99_ms, latency.max_ms) == (4, 20, 40, 40, 40)
    assert ms(latency.p50_ms) == "20.0"
