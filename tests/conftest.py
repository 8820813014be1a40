"""Fixtures shared by sibling test folders. Import-light on purpose: this file is loaded for every test run,
including the handler tests run alone on Lambda's Python from a venv without pulumi. So only the standard library
and pytest at import; a fixture that needs more imports it when it is first used.

- `walk`: the structural ASL path walker (tests/asl, tests/sagactl/cost).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

# --- ASL path walker -------------------------------------------------------------------------------------------


def walk(definition: dict[str, Any], errors: dict[str, str] | None = None, max_steps: int = 100) -> list[str]:
    """Follow a definition's transitions for a scripted run: which state raises which error.

    A structural oracle for the builders: it knows only ASL's rules (Catch order, States.ALL, Choice on
    the caught error, Next/End), never the checkout saga, so it can disagree with a wrong builder.
    """
    errors = errors or {}
    states = definition["States"]
    path: list[str] = []
    name = definition["StartAt"]
    caught: str | None = None
    while len(path) < max_steps:
        path.append(name)
        state = states[name]
        kind = state["Type"]
        if kind in ("Fail", "Succeed"):
            return path
        if kind == "Choice":
            name = _choose(state, caught)
            continue
        error = errors.get(name) if kind == "Task" else None
        if error is not None:
            handler = _catcher(state, error)
            if handler is None:
                return [*path, f"<uncaught {error}>"]
            if handler["ResultPath"] == "$.failure":
                caught = error
            name = handler["Next"]
            continue
        if state.get("End"):
            return path
        name = state["Next"]
    raise AssertionError(f"no terminal state within {max_steps} steps: {path}")


def _catcher(state: dict[str, Any], error: str) -> dict[str, Any] | None:
    for catcher in state.get("Catch", []):
        if error in catcher["ErrorEquals"] or "States.ALL" in catcher["ErrorEquals"]:
            return catcher
    return None


def _choose(state: dict[str, Any], caught: str | None) -> str:
    for rule in state["Choices"]:
        assert rule["Variable"] == "$.failure.Error", f"walker only models choices on the caught error: {rule}"
        if rule["StringEquals"] == caught:
            return rule["Next"]
    return state["Default"]


@pytest.fixture(scope="session", name="walk")
def walk_fixture() -> Callable[..., list[str]]:
    """`walk(definition, {state: error})`: the states a run enters, ending in a Fail/Succeed state (or
    `<uncaught error>`)."""
    return walk
