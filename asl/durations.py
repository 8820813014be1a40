"""How long an execution of a definition can take at worst, read from the definition itself.

Every Task may run its TimeoutSeconds on each attempt, and wait the longest backoff its retriers allow between
attempts (each retrier counts its own attempts, so they add up). The worst execution is the longest path through
the states (Next, Catch and Choice transitions). An execution-level TimeoutSeconds below this could end a saga that
is only retrying as designed: TIMED_OUT, with no compensation of its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from asl.policies import retry_waits_seconds


def state_worst_case_seconds(state: dict[str, Any]) -> float:
    """A state's longest run: every attempt of every retrier timing out, with the longest waits between them."""
    if state["Type"] != "Task":
        return 0.0  # Pass, Choice, Succeed, Fail: no work and no retries (the saga has no Wait states)
    timeout = state.get("TimeoutSeconds")
    if timeout is None:
        raise ValueError("a Task without TimeoutSeconds can run for a year: no worst case")
    retriers = state.get("Retry", [])
    attempts = 1 + sum(int(r.get("MaxAttempts", 3)) for r in retriers)
    waits = sum(
        retry_waits_seconds(
            float(r.get("IntervalSeconds", 1)),
            int(r.get("MaxAttempts", 3)),
            float(r.get("BackoffRate", 2.0)),
            r.get("MaxDelaySeconds"),
        )
        for r in retriers
    )
    return float(timeout) * attempts + waits


def worst_case_seconds(definition: dict[str, Any]) -> float:
    """The longest any execution of `definition` can run before it ends on its own."""
    states: dict[str, dict[str, Any]] = definition["States"]
    unsupported = sorted(name for name, s in states.items() if s["Type"] in ("Wait", "Map", "Parallel"))
    if unsupported:
        raise ValueError(f"no worst case for states {unsupported}: only Task, Pass, Choice, Succeed, Fail are known")

    @cache
    def longest_from(name: str, visiting: frozenset[str]) -> float:
        if name in visiting:
            raise ValueError(f"state {name} is on a loop: an execution has no worst case")
        state = states[name]
        following = [longest_from(n, visiting | {name}) for n in _transitions(state)]
        return state_worst_case_seconds(state) + max(following, default=0.0)

    return longest_from(definition["StartAt"], frozenset())


def _transitions(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [c["Next"] for c in state.get("Catch", [])]
    targets += [r["Next"] for r in state.get("Choices", [])]
    if "Default" in state:
        targets.append(state["Default"])
    return list(dict.fromkeys(targets))
