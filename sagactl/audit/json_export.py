"""`trail_to_json`: the trail as plain JSON-ready data for scripts (`sagactl trace --json`).

Everything the terminal and the picture show, unabridged: full causes, every attempt, ISO 8601 times
(UTC), and for the graph which nodes and transitions were taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sagactl.audit.graph import END, START
from sagactl.audit.path_marks import mark_nodes, taken_transitions
from sagactl.audit.timeline import Attempt, ErrorInfo, StateVisit
from sagactl.audit.trail import Trail


def trail_to_json(trail: Trail, pictures: Sequence[Path] = ()) -> dict[str, Any]:
    outcome = trail.outcome
    marks = mark_nodes(trail)
    taken = taken_transitions(trail)
    return {
        "execution": {
            "arn": trail.execution.arn,
            "name": trail.execution.name,
            "state_machine_arn": trail.execution.state_machine_arn,
            "type": trail.execution.workflow_type,
            "source": trail.execution.source,
            "status": outcome.status,
            **_error(outcome.error),
            "started_at": _time(outcome.started),
            "stopped_at": _time(outcome.stopped),
            "duration_seconds": outcome.duration_s,
        },
        "links": [
            {"relation": link.relation, "arn": link.arn, "status": link.status, "reason": link.reason}
            for link in trail.links
        ],
        "path": list(trail.path),
        "compensation_states": sorted(trail.compensations),
        "compensations_run": [visit.name for visit in trail.compensations_run],
        "states": [_visit(trail, visit) for visit in trail.timeline.visits],
        "graph": {
            "start_at": trail.graph.start_at,
            "nodes": [
                {"name": name, "type": node.state_type, "classes": list(marks[name].classes)}
                for name, node in trail.graph.states.items()
            ],
            "transitions": [
                {
                    "from": None if t.source == START else t.source,
                    "to": None if t.target == END else t.target,
                    "kind": t.kind.value,
                    "label": t.label,
                    "taken": t.index in taken,
                }
                for t in trail.graph.transitions
            ],
        },
        "notes": list(trail.notes),
        "pictures": [str(path) for path in pictures],
    }


def _visit(trail: Trail, visit: StateVisit) -> dict[str, Any]:
    return {
        "index": visit.index,
        "name": visit.name,
        "type": visit.state_type,
        "compensation": trail.is_compensation(visit),
        "result": visit.result.value,
        **_error(visit.error),
        "next": visit.next_state,
        "entered_at": _time(visit.entered),
        "left_at": _time(visit.left),
        "duration_seconds": visit.duration_s,
        "retries": visit.retries,
        "attempts": [_attempt(attempt) for attempt in visit.attempts],
    }


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "succeeded": attempt.succeeded,
        **_error(attempt.error),
        "started_at": _time(attempt.started),
        "ended_at": _time(attempt.ended),
        "duration_seconds": attempt.duration_s,
    }


def _error(error: ErrorInfo | None) -> dict[str, Any]:
    return {"error": error.error if error else None, "cause": error.cause if error else None}


def _time(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()
