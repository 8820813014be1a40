"""Physical names of the stack's resources, known before anything is created.

Names are `<project>-<logical name>-<stack>`, so two stacks never collide and an operator can tell which
stack a resource belongs to. Knowing them up front is what lets a KMS key policy name the log groups and
state machines that may use the key, although the key must exist before them.
"""

from __future__ import annotations

import pulumi

FUNCTION_NAME_MAX_LENGTH = 64
STATE_MACHINE_NAME_MAX_LENGTH = 80
ROLE_NAME_MAX_LENGTH = 64
ALIAS_NAME_MAX_LENGTH = 250


def physical_name(name: str, max_length: int) -> str:
    return f"{pulumi.get_project()}-{name}-{pulumi.get_stack()}"[:max_length]


def function_name(name: str) -> str:
    return physical_name(name, FUNCTION_NAME_MAX_LENGTH)


def state_machine_name(name: str) -> str:
    return physical_name(name, STATE_MACHINE_NAME_MAX_LENGTH)


def role_name(name: str) -> str:
    return physical_name(name, ROLE_NAME_MAX_LENGTH)


def lambda_log_group_name(name: str) -> str:
    # Lambda writes to /aws/lambda/<function name> unless told otherwise; the stack creates that group itself.
    return f"/aws/lambda/{function_name(name)}"


def state_machine_log_group_name(name: str) -> str:
    # The vendedlogs prefix keeps CloudWatch Logs' account-wide resource policy from growing per group.
    return f"/aws/vendedlogs/states/{state_machine_name(name)}"


def log_group_arn(region: pulumi.Input[str], account_id: pulumi.Input[str], group_name: str) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:", group_name)


def state_machine_arn(region: pulumi.Input[str], account_id: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:states:", region, ":", account_id, ":stateMachine:", state_machine_name(name))
