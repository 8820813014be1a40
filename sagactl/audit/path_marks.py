"""What the picture highlights: for every node and transition of the graph, whether and how it was taken.

Node classes (they become SVG `class` attributes, so tests and stylesheets can select them):
  state        every state node
  taken        entered at least once; `not-taken` otherwise
  succeeded    every visit ended well          failed  a visit ended in an error (caught or not),
                                                       or it is the Fail state the execution ended in
  compensation a compensation state (taken or not)
  terminal     the state the execution ended in
  running      the state a running execution is in
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from sagactl.audit.graph import END, START, Transition, TransitionKind
from sagactl.audit.timeline import StateVisit, VisitResult
from sagactl.audit.trail import Trail


class Look(StrEnum):
    """The one visual style a node is drawn in (the classes say everything; this picks the colours)."""

    NOT_TAKEN = "not_taken"
    NOT_TAKEN_COMPENSATION = "not_taken_compensation"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    COMPENSATED = "compensated"
    COMPENSATION_FAILED = "compensation_failed"
    TERMINAL_SUCCEEDED = "terminal_succeeded"
    TERMINAL_FAILED = "terminal_failed"
    RUNNING = "running"


@dataclass(frozen=True)
class NodeMark:
    name: str
    taken: bool
    failed: bool
    compensation: bool
    terminal: bool
    running: bool
    visits: tuple[StateVisit, ...]

    @property
    def classes(self) -> tuple[str, ...]:
        classes = ["state", "taken" if self.taken else "not-taken"]
        if self.taken:
            classes.append("failed" if self.failed else "succeeded")
        if self.compensation:
            classes.append("compensation")
        if self.terminal:
            classes.append("terminal")
        if self.running:
            classes.append("running")
        return tuple(classes)

    @property
    def look(self) -> Look:
        if not self.taken:
            return Look.NOT_TAKEN_COMPENSATION if self.compensation else Look.NOT_TAKEN
        if self.running:
            return Look.RUNNING
        if self.terminal:
            return Look.TERMINAL_FAILED if self.failed else Look.TERMINAL_SUCCEEDED
        if self.compensation:
            return Look.COMPENSATION_FAILED if self.failed else Look.COMPENSATED
        return Look.FAILED if self.failed else Look.SUCCEEDED


def mark_nodes(trail: Trail) -> dict[str, NodeMark]:
    visits_by_state: dict[str, list[StateVisit]] = {}
    for visit in trail.timeline.visits:
        visits_by_state.setdefault(visit.name, []).append(visit)
    terminal = trail.timeline.terminal
    last = trail.timeline.visits[-1] if trail.timeline.visits else None
    running = last if trail.outcome.status == "RUNNING" else None
    marks = {}
    for name in trail.graph.states:
        visits = tuple(visits_by_state.get(name, ()))
        marks[name] = NodeMark(
            name=name,
            taken=bool(visits),
            failed=any(v.result in (VisitResult.CAUGHT, VisitResult.FAILED) for v in visits),
            compensation=name in trail.compensations,
            terminal=terminal is not None and terminal.name == name,
            running=running is not None and running.name == name,
            visits=visits,
        )
    return marks


def taken_transitions(trail: Trail) -> frozenset[int]:
    """Indexes (into `trail.graph.transitions`) of the transitions the execution followed.

    A caught error followed the first Catch whose ErrorEquals matches it (ASL's rule); any other move
    followed the non-Catch transitions between the two states (a Choice does not log which rule matched).
    """
    graph = trail.graph
    # States inside a Parallel/Map branch are not nodes of the graph: pair the top-level visits only.
    visits = [visit for visit in trail.timeline.visits if visit.name in graph.states]
    if not visits:
        return frozenset()
    taken: set[int] = set()
    taken.update(t.index for t in graph.outgoing(START) if t.target == visits[0].name)
    for visit, following in pairwise(visits):
        taken.update(_followed(graph.outgoing(visit.name), visit, following.name))
    if trail.outcome.status == "SUCCEEDED":
        taken.update(t.index for t in graph.outgoing(visits[-1].name) if t.target == END)
    return frozenset(taken)


def _followed(outgoing: tuple[Transition, ...], visit: StateVisit, target: str) -> set[int]:
    towards = [t for t in outgoing if t.target == target]
    if visit.result is VisitResult.CAUGHT and visit.error is not None:
        catches = [t for t in outgoing if t.kind is TransitionKind.CATCH]
        first_match = next((t for t in catches if error_matches(visit.error.error, t.errors)), None)
        if first_match is not None and first_match.target == target:
            return {first_match.index}
        caught_towards = {t.index for t in towards if t.kind is TransitionKind.CATCH}
        return caught_towards or {t.index for t in towards}
    plain_towards = {t.index for t in towards if t.kind is not TransitionKind.CATCH}
    return plain_towards or {t.index for t in towards}


def error_matches(error: str, error_equals: tuple[str, ...]) -> bool:
    """ASL matching: the exact name, `States.ALL`, or `States.TaskFailed` for anything but a timeout."""
    if error in error_equals or "States.ALL" in error_equals:
        return True
    return "States.TaskFailed" in error_equals and error != "States.Timeout"
