"""Resolve what the user typed to an execution ARN: an ARN as given, or an execution's name on its state machine
(found by `--workflow` with sagactl.discovery.find_state_machine, or given with `--state-machine-arn`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sagactl.audit.arns import looks_like_arn, parse_execution_arn, standard_execution_arn
from sagactl.audit.errors import AuditError, ExecutionNotFound
from sagactl.audit.express_logs import describe_state_machine, log_records, logging_of

_SHOWN_CANDIDATES = 5


def resolve_execution_arn(
    clients: Any, target: str, state_machine_arn: str | Callable[[], str], since_ms: int | None = None
) -> str:
    """An execution ARN as given, or the ARN of the execution called `target` on the state machine.

    `state_machine_arn` may be a function: it is then only called (and the machine only looked up) for a name.
    """
    if parse_execution_arn(target) is not None:
        return target
    if looks_like_arn(target):
        raise AuditError(
            f"not an execution ARN: {target} (expected arn:aws:states:<region>:<account>:execution:<machine>:<name>"
            " or an Express ...:express:<machine>:<name>:<id>)"
        )
    machine_arn = state_machine_arn() if callable(state_machine_arn) else state_machine_arn
    machine = describe_state_machine(clients.stepfunctions, machine_arn)
    if machine.get("type") == "EXPRESS":
        return _express_execution_named(clients, machine, target, since_ms)
    return standard_execution_arn(machine_arn, target)


def _express_execution_named(clients: Any, machine: dict[str, Any], name: str, since_ms: int | None) -> str:
    """Express names need not be unique: the name must match exactly one logged execution."""
    logging = logging_of(machine)
    prefix = str(machine["stateMachineArn"]).replace(":stateMachine:", ":express:", 1) + f":{name}:"
    pattern = '{ $.type = "ExecutionStarted" }'
    arns = dict.fromkeys(
        str(record["execution_arn"])
        for record in log_records(clients.client("logs"), logging.log_group, pattern, since_ms)
        if record.get("type") == "ExecutionStarted" and str(record["execution_arn"]).startswith(prefix)
    )
    if not arns:
        raise ExecutionNotFound(f"no Express execution named '{name}' in log group {logging.log_group}")
    if len(arns) > 1:
        shown = ", ".join(list(arns)[-_SHOWN_CANDIDATES:])
        raise AuditError(f"{len(arns)} Express executions are named '{name}'; pass one ARN: {shown}")
    return next(iter(arns))
