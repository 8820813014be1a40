"""The audit trail of checkout executions: where a saga succeeded, where it failed, how it rolled back.

    trail = load_trail(AwsClients(region=..., endpoint_url=...), execution_arn)
    print(render_timeline(trail))
    write_pictures(trail, "out/traces")      # .dot, .mmd, .md always; .svg and .png with Graphviz
    trail_to_json(trail)                     # everything, for scripts

Standard executions are read from their execution history, Express ones from the CloudWatch Logs group
the state machine logs to. See docs/audit-trail.md.
"""

from sagactl.audit.compensations import derive_compensations
from sagactl.audit.errors import AuditError, ExecutionNotFound, NoAuditTrail, StateMachineNotFound
from sagactl.audit.execution_list import (
    ExecutionPage,
    ExecutionSummary,
    list_express_executions,
    list_standard_executions,
)
from sagactl.audit.graph import StateGraph, graph_from_definition
from sagactl.audit.json_export import trail_to_json
from sagactl.audit.loader import load_trail
from sagactl.audit.pictures import GRAPHVIZ_MISSING, find_dot, write_pictures
from sagactl.audit.render_dot import render_dot
from sagactl.audit.render_mermaid import render_mermaid
from sagactl.audit.render_text import render_timeline
from sagactl.audit.timeline import Attempt, ErrorInfo, ExecutionOutcome, StateVisit, Timeline, VisitResult
from sagactl.audit.timeline_builder import build_timeline
from sagactl.audit.trail import ExecutionInfo, Trail

__all__ = [
    "GRAPHVIZ_MISSING",
    "Attempt",
    "AuditError",
    "ErrorInfo",
    "ExecutionInfo",
    "ExecutionNotFound",
    "ExecutionOutcome",
    "ExecutionPage",
    "ExecutionSummary",
    "NoAuditTrail",
    "StateGraph",
    "StateMachineNotFound",
    "StateVisit",
    "Timeline",
    "Trail",
    "VisitResult",
    "build_timeline",
    "derive_compensations",
    "find_dot",
    "graph_from_definition",
    "list_express_executions",
    "list_standard_executions",
    "load_trail",
    "render_dot",
    "render_mermaid",
    "render_timeline",
    "trail_to_json",
    "write_pictures",
]
