"""`load_trail`: from an execution ARN to a `Trail`, on AWS or the emulator alike (only the clients differ)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from botocore.exceptions import ClientError

from sagactl.audit import express_logs, standard_history
from sagactl.audit.arns import parse_execution_arn
from sagactl.audit.compensations import resolve_compensations
from sagactl.audit.errors import AuditError, ExecutionNotFound
from sagactl.audit.graph import graph_from_definition
from sagactl.audit.timeline_builder import build_timeline
from sagactl.audit.trail import ExecutionInfo, LinkedExecution, Trail
from sagactl.discovery import sibling_machine
from sagactl.rollbacks import origin_of, rollbacks_of


class Clients(Protocol):
    """What `load_trail` needs; `devstack.clients.AwsClients` is one."""

    @property
    def stepfunctions(self) -> Any: ...

    def client(self, service: str) -> Any: ...


def load_trail(
    clients: Clients,
    execution_arn: str,
    *,
    compensations: Iterable[str] | None = None,
    since_ms: int | None = None,
) -> Trail:
    """The timeline, definition and outcome of one execution.

    `compensations` overrides the derived compensation states (see `compensations`); `since_ms` bounds
    the log search for Express executions (epoch milliseconds).
    """
    parsed = parse_execution_arn(execution_arn)
    if parsed is None:
        raise AuditError(f"not an execution ARN: {execution_arn}")
    if parsed.is_express:
        return _express_trail(clients, execution_arn, parsed.state_machine_arn, parsed.name, compensations, since_ms)
    return _standard_trail(clients, execution_arn, compensations)


def _standard_trail(clients: Clients, execution_arn: str, compensations: Iterable[str] | None) -> Trail:
    sfn = clients.stepfunctions
    described = standard_history.describe_execution(sfn, execution_arn)
    machine_arn, definition = standard_history.definition_for_execution(sfn, execution_arn)
    graph = graph_from_definition(definition)
    return Trail(
        execution=ExecutionInfo(
            arn=execution_arn,
            name=str(described["name"]),
            state_machine_arn=machine_arn,
            workflow_type="STANDARD",
            source="execution history",
        ),
        definition=definition,
        graph=graph,
        timeline=build_timeline(standard_history.read_history(sfn, execution_arn)),
        compensations=resolve_compensations(graph, compensations),
        links=linked_executions(sfn, execution_arn, machine_arn, described),
    )


def _express_trail(
    clients: Clients,
    execution_arn: str,
    machine_arn: str,
    name: str,
    compensations: Iterable[str] | None,
    since_ms: int | None,
) -> Trail:
    machine = express_logs.describe_state_machine(clients.stepfunctions, machine_arn)
    logging = express_logs.logging_of(machine)
    events = express_logs.read_execution_events(clients.client("logs"), logging.log_group, execution_arn, since_ms)
    if not events:
        raise ExecutionNotFound(
            f"execution not found: no log events for {execution_arn} in log group {logging.log_group}"
        )
    definition = json.loads(machine["definition"])
    graph = graph_from_definition(definition)
    notes = []
    if not logging.records_every_event:
        notes.append(f"the state machine logs at level {logging.level}: only failures are recorded, not every state")
    return Trail(
        execution=ExecutionInfo(
            arn=execution_arn,
            name=name,
            state_machine_arn=machine_arn,
            workflow_type="EXPRESS",
            source=f"CloudWatch Logs {logging.log_group}",
        ),
        # The current definition: Express logs do not say which revision ran.
        definition=definition,
        graph=graph,
        timeline=build_timeline(events),
        compensations=resolve_compensations(graph, compensations),
        notes=tuple(notes),
    )


def linked_executions(
    sfn: Any, execution_arn: str, machine_arn: str, described: dict[str, Any]
) -> tuple[LinkedExecution, ...]:
    """A rollback's origin (named in its input); for a saga Step Functions stopped or timed out, its rollbacks."""
    origin = origin_of(described.get("input"))
    if origin is not None:
        origin_arn, reason = origin
        return (LinkedExecution("rollback of", origin_arn, _status_of(sfn, origin_arn), reason),)
    if described.get("status") not in ("ABORTED", "TIMED_OUT"):
        return ()
    rollback_machine = sibling_machine(sfn, machine_arn, "rollback")
    if rollback_machine is None or rollback_machine == machine_arn:
        return ()
    return tuple(
        LinkedExecution("rolled back by", str(rollback["executionArn"]), str(rollback["status"]))
        for rollback in rollbacks_of(sfn, rollback_machine, execution_arn)
    )


def _status_of(sfn: Any, execution_arn: str) -> str | None:
    try:
        return str(sfn.describe_execution(executionArn=execution_arn)["status"])
    except ClientError:
        return None  # its history expired, or another region: the link stays, without a status
