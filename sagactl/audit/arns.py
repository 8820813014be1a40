"""Step Functions ARNs: what an execution ARN says about its state machine, and how to build one from a name.

Standard: arn:<partition>:states:<region>:<account>:execution:<machine>:<name>
Express:  arn:<partition>:states:<region>:<account>:express:<machine>:<name>:<uuid>
(Express names need not be unique, hence the uuid; there is no history API for them, only logs.)
"""

from __future__ import annotations

from dataclasses import dataclass

_STANDARD_PARTS = 8
_EXPRESS_PARTS = 9


@dataclass(frozen=True)
class ExecutionArn:
    arn: str
    partition: str
    region: str
    account: str
    state_machine_name: str
    name: str
    is_express: bool

    @property
    def state_machine_arn(self) -> str:
        return f"arn:{self.partition}:states:{self.region}:{self.account}:stateMachine:{self.state_machine_name}"


def looks_like_arn(value: str) -> bool:
    return value.startswith("arn:")


def parse_execution_arn(value: str) -> ExecutionArn | None:
    """The parts of a Standard or Express execution ARN; None for anything else (a name, a machine ARN)."""
    parts = value.split(":")
    if len(parts) < _STANDARD_PARTS or parts[0] != "arn" or parts[2] != "states":
        return None
    kind = parts[5]
    if kind == "execution" and len(parts) == _STANDARD_PARTS:
        return ExecutionArn(value, parts[1], parts[3], parts[4], parts[6], parts[7], is_express=False)
    if kind == "express" and len(parts) == _EXPRESS_PARTS:
        return ExecutionArn(value, parts[1], parts[3], parts[4], parts[6], parts[7], is_express=True)
    return None


def standard_execution_arn(state_machine_arn: str, name: str) -> str:
    """Standard execution names are unique per machine, so name + machine ARN is the execution ARN."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"


def log_group_name(log_group_arn: str) -> str:
    """`arn:aws:logs:<region>:<account>:log-group:<name>:*` -> `<name>` (log group names contain no ':')."""
    marker = ":log-group:"
    if marker not in log_group_arn:
        raise ValueError(f"not a log group ARN: {log_group_arn}")
    name = log_group_arn.split(marker, 1)[1]
    return name.split(":", 1)[0]
