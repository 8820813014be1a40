"""The benchmarks poll an execution first a little before executions like it have been seen to end."""

from __future__ import annotations

import pytest

from bench.executions import FIRST_POLL_S, PollSchedule


def test_the_first_poll_is_the_given_one_until_an_execution_has_ended() -> None:
    assert PollSchedule(0.05).polls() == (0.05, FIRST_POLL_S)
    assert PollSchedule().polls() == (FIRST_POLL_S, FIRST_POLL_S)


def test_then_it_follows_the_median_of_recent_start_to_end_times() -> None:
    schedule = PollSchedule(0.05, window=4, fraction=0.8)
    for observed in (0.40, 0.50, 9.0):  # one outlier does not move a median
        schedule.record(observed)
    assert schedule.polls() == pytest.approx((0.8 * 0.50, 0.05))
    for observed in (0.2, 0.2, 0.2, 0.2):  # only the last `window` times count
        schedule.record(observed)
    assert schedule.polls() == pytest.approx((0.16, 0.02))


def test_it_never_polls_sooner_than_the_minimum() -> None:
    schedule = PollSchedule(0.05)
    schedule.record(0.001)
    assert schedule.polls() == (FIRST_POLL_S, FIRST_POLL_S)
