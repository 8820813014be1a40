"""The orchestration overhead is the happy saga's p50 over the direct chain's p50."""

from __future__ import annotations

import pytest

from bench.report import at_most
from bench.sagas import OVERHEAD_TARGET, overhead_ratio


def test_the_overhead_is_a_factor_of_the_direct_chain() -> None:
    assert overhead_ratio(46.0, 40.0) == pytest.approx(1.15)


def test_the_target_is_at_most_three_times_the_direct_chain() -> None:
    assert at_most("overhead", overhead_ratio(120.0, 40.0), OVERHEAD_TARGET, "x").met
    assert not at_most("overhead", overhead_ratio(121.0, 40.0), OVERHEAD_TARGET, "x").met
