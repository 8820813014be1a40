"""The state machine as a graph: its top-level states and every transition the definition allows.

Transitions come from `Next`, `End`, Choice rules and `Default`, and `Catch`. The states inside a
Parallel or Map branch are not drawn: the container stands for them (its events still appear in the
timeline).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Pseudo nodes for where an execution begins and where an `End: true` state leads. The angle brackets
# keep them apart from real state names in practice (ASL names are free text, but never look like this).
START = "<start>"
END = "<end>"

# A JSONata condition comparing one field of a variable or of the state's input with a string literal.
_JSONATA_EQUALS = re.compile(r'^\{%\s*\$[\w.]*?(?P<field>\w+)\s*=\s*(?P<value>"[^"\\]*")\s*%\}$')
_COMPARISON_SYMBOLS = {
    "Equals": "==",
    "GreaterThan": ">",
    "GreaterThanEquals": ">=",
    "LessThan": "<",
    "LessThanEquals": "<=",
    "Matches": "matches",
}


class TransitionKind(StrEnum):
    START = "start"
    NEXT = "next"
    CHOICE = "choice"
    DEFAULT = "default"
    CATCH = "catch"
    END = "end"


@dataclass(frozen=True)
class Transition:
    index: int
    source: str
    target: str
    kind: TransitionKind
    label: str = ""
    errors: tuple[str, ...] = ()  # a Catch's ErrorEquals


@dataclass(frozen=True)
class StateNode:
    name: str
    state_type: str
    comment: str = ""


@dataclass(frozen=True)
class StateGraph:
    start_at: str
    states: Mapping[str, StateNode]
    transitions: tuple[Transition, ...]

    def outgoing(self, source: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.source == source)


def graph_from_definition(definition_or_json: Mapping[str, Any] | str) -> StateGraph:
    definition: Mapping[str, Any] = (
        json.loads(definition_or_json) if isinstance(definition_or_json, str) else definition_or_json
    )
    states: Mapping[str, Mapping[str, Any]] = definition["States"]
    nodes = {
        name: StateNode(name, str(state.get("Type", "?")), str(state.get("Comment", "")))
        for name, state in states.items()
    }
    edges: list[tuple[str, str, TransitionKind, str, tuple[str, ...]]] = [
        (START, definition["StartAt"], TransitionKind.START, "", ())
    ]
    for name, state in states.items():
        edges.extend(_transitions_of(name, state))
    transitions = tuple(
        Transition(index, source, target, kind, label, errors)
        for index, (source, target, kind, label, errors) in enumerate(edges)
    )
    return StateGraph(start_at=definition["StartAt"], states=nodes, transitions=transitions)


def _transitions_of(name: str, state: Mapping[str, Any]) -> list[tuple[str, str, TransitionKind, str, tuple[str, ...]]]:
    found: list[tuple[str, str, TransitionKind, str, tuple[str, ...]]] = []
    for number, rule in enumerate(state.get("Choices", []), start=1):
        if "Next" in rule:
            found.append((name, rule["Next"], TransitionKind.CHOICE, choice_rule_label(rule, number), ()))
    if "Default" in state:
        found.append((name, state["Default"], TransitionKind.DEFAULT, "default", ()))
    if "Next" in state:
        found.append((name, state["Next"], TransitionKind.NEXT, "", ()))
    if state.get("End") is True or state.get("Type") == "Succeed":
        found.append((name, END, TransitionKind.END, "", ()))
    for catcher in state.get("Catch", []):
        errors = tuple(str(error) for error in catcher.get("ErrorEquals", []))
        found.append((name, catcher["Next"], TransitionKind.CATCH, "catch " + ", ".join(errors), errors))
    return found


def choice_rule_label(rule: Mapping[str, Any], number: int) -> str:
    """A short label for a simple comparison (`Error == InventoryDepletedException`), else `rule N`.

    JSONata conditions of the same kind (`{% $failure.Error = "InventoryDepletedException" %}`) get the same label."""
    condition = _JSONATA_EQUALS.match(str(rule.get("Condition", "")))
    if condition:
        return f"{condition['field']} == {json.loads(condition['value'])}"
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        return f"rule {number}"
    field = variable.rstrip(".").split(".")[-1] or variable
    for key, value in rule.items():
        if key in ("Variable", "Next"):
            continue
        if key.startswith("Is"):
            return f"{field} {key} {value}"
        compared_to_path = key.endswith("Path")
        operator = key.removesuffix("Path")
        for suffix, symbol in _COMPARISON_SYMBOLS.items():
            if operator.endswith(suffix):
                return f"{field} {symbol} {f'<{value}>' if compared_to_path else value}"
    return f"rule {number}"
