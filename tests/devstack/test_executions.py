"""The one wait loop: polls at growing intervals until an answer, and a timeout that says what it waited for."""

from __future__ import annotations

import pytest

from devstack import executions
from devstack.executions import ExecutionTimeout, poll_until


def test_polls_until_there_is_an_answer_at_growing_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(executions.time, "sleep", slept.append)
    answers = iter([None, None, None, "done"])

    assert poll_until(lambda: next(answers), 60, lambda: "x", first_poll_s=0.02, max_poll_s=0.04) == "done"
    assert slept == [0.02, 0.03, 0.04]


def test_the_first_look_can_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(executions.time, "sleep", slept.append)
    answers = iter([None, "done"])

    assert poll_until(lambda: next(answers), 60, lambda: "x", first_poll_s=0.02, first_look_s=0.5) == "done"
    assert slept == [0.5, 0.02]


def test_a_timeout_names_what_it_waited_for() -> None:
    with pytest.raises(ExecutionTimeout, match=r"ord-1 still RUNNING after 0s"):
        poll_until(lambda: None, 0.05, lambda: "ord-1 still RUNNING", first_poll_s=0.01)


def test_an_answer_that_is_falsy_but_not_none_ends_the_wait() -> None:
    assert poll_until(lambda: [], 1, lambda: "x") == []
