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
TOPIC_NAME_MAX_LENGTH = 256
EVENT_RULE_NAME_MAX_LENGTH = 64
SIGNING_PROFILE_NAME_MAX_LENGTH = 64
SIGNING_PROFILE_SUFFIX_LENGTH = 26  # what Pulumi's name_prefix appends
BACKUP_VAULT_NAME_MAX_LENGTH = 50
API_NAME_MAX_LENGTH = 128


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


def function_arn(region: pulumi.Input[str], account_id: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    """The ARN a function will have: a role policy can name its own function before the function exists."""
    return pulumi.Output.concat("arn:aws:lambda:", region, ":", account_id, ":function:", function_name(name))


def topic_name(name: str) -> str:
    return physical_name(name, TOPIC_NAME_MAX_LENGTH)


def topic_arn(region: pulumi.Input[str], account_id: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:sns:", region, ":", account_id, ":", topic_name(name))


def event_rule_name(name: str) -> str:
    return physical_name(name, EVENT_RULE_NAME_MAX_LENGTH)


def event_rule_arn(region: pulumi.Input[str], account_id: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    # Rules on the default event bus: arn:aws:events:<region>:<account>:rule/<name>.
    return pulumi.Output.concat("arn:aws:events:", region, ":", account_id, ":rule/", event_rule_name(name))


def signing_profile_prefix(name: str) -> str:
    """AWS Signer profile names allow letters, digits and underscores only; Pulumi appends a random suffix."""
    return physical_name(name, SIGNING_PROFILE_NAME_MAX_LENGTH - SIGNING_PROFILE_SUFFIX_LENGTH).replace("-", "_") + "_"


def backup_vault_name(name: str) -> str:
    return physical_name(name, BACKUP_VAULT_NAME_MAX_LENGTH)


def api_access_log_group_name(name: str) -> str:
    return f"/aws/apigateway/{physical_name(name, API_NAME_MAX_LENGTH)}/access"
