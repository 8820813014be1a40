"""A `Trail`: everything `trace` knows about one execution, in one value the renderers share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sagactl.audit.graph import StateGraph
from sagactl.audit.timeline import ExecutionOutcome, StateVisit, Timeline


@dataclass(frozen=True)
class ExecutionInfo:
    arn: str
    name: str
    state_machine_arn: str
    workflow_type: str  # STANDARD or EXPRESS
    source: str  # where the events came from, for the reader to judge completeness


@dataclass(frozen=True)
class LinkedExecution:
    """Another execution of the same saga: the one a rollback repairs, or the rollbacks that repaired this one."""

    relation: str  # "rollback of" or "rolled back by"
    arn: str
    status: str | None
    reason: str | None = None


@dataclass(frozen=True)
class Trail:
    execution: ExecutionInfo
    definition: Mapping[str, Any]
    graph: StateGraph
    timeline: Timeline
    compensations: frozenset[str]
    notes: tuple[str, ...] = ()  # caveats, e.g. a log level that records failures only
    links: tuple[LinkedExecution, ...] = ()

    @property
    def outcome(self) -> ExecutionOutcome:
        return self.timeline.outcome

    @property
    def path(self) -> tuple[str, ...]:
        return self.timeline.path

    def is_compensation(self, visit: StateVisit) -> bool:
        return visit.name in self.compensations

    @property
    def compensations_run(self) -> tuple[StateVisit, ...]:
        return tuple(visit for visit in self.timeline.visits if self.is_compensation(visit))
