"""What both workflows share: a logged, traced state machine with a role scoped to its own resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam, key_policies, naming
from components.alias_routing import LIVE_ALIAS, live_routing

# How long Step Functions may reuse a data key of a customer-managed key (AWS allows 60-900 s): the default
# trade-off between KMS calls (cost, throttling) and how much data one data key protects.
KMS_DATA_KEY_REUSE_PERIOD_SECONDS = 300


@dataclass(frozen=True)
class StateMachineLogging:
    level: str
    include_execution_data: bool
    retention_days: int
    kms_key_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class StateMachineParts:
    machine: aws.sfn.StateMachine
    role: aws.iam.Role
    policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    # Callers start executions through it: it routes to the version(s) the stack config chose.
    alias: aws.sfn.Alias


def create_state_machine(
    parent: pulumi.Resource,
    name: str,
    *,
    machine_type: str,
    definition: pulumi.Input[str],
    logging: StateMachineLogging,
    account_id: pulumi.Input[str],
    region: pulumi.Input[str],
    extra_statements: Sequence[iam.Statement] = (),
    encryption_key_arn: pulumi.Input[str] | None = None,
    canary_weight: int | None = None,
) -> StateMachineParts:
    """`encryption_key_arn`: a customer-managed key for the definition and execution data (prod). `canary_weight`:
    the percentage of new executions the `live` alias sends to the newest version (the previous one gets the rest);
    None: all of them."""
    child = pulumi.ResourceOptions(parent=parent)
    physical_name = naming.state_machine_name(name)
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs",
        name=naming.state_machine_log_group_name(name),
        retention_in_days=logging.retention_days,
        kms_key_id=logging.kms_key_arn,
        opts=child,
    )
    machine_arn = naming.state_machine_arn(region, account_id, name)
    role = aws.iam.Role(
        f"{name}-role",
        name=naming.role_name(name),
        # Only this state machine, in this account, may assume the role (confused deputy).
        assume_role_policy=iam.service_trust_policy("states.amazonaws.com", account_id, source_arn=machine_arn),
        description=f"Execution role of state machine {physical_name}",
        opts=child,
    )
    statements = [
        *extra_statements,
        iam.allow_aws_required_wildcard("DeliverLogs", iam.LOG_DELIVERY_ACTIONS),
        iam.allow_aws_required_wildcard("WriteTraces", iam.XRAY_WRITE_ACTIONS),
    ]
    if encryption_key_arn is not None:
        statements += _encryption_statements(encryption_key_arn, machine_arn, account_id, region)
    policy = aws.iam.RolePolicy(
        f"{name}-policy", role=role.id, policy=iam.policy_document(statements), opts=child
    )
    machine = aws.sfn.StateMachine(
        name,
        name=physical_name,
        type=machine_type,
        role_arn=role.arn,
        definition=definition,
        logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
            level=logging.level,
            include_execution_data=logging.include_execution_data,
            # Step Functions wants the log group ARN with the ":*" stream suffix.
            log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
        ),
        tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
        encryption_configuration=None
        if encryption_key_arn is None
        else aws.sfn.StateMachineEncryptionConfigurationArgs(
            type="CUSTOMER_MANAGED_KMS_KEY",
            kms_key_id=encryption_key_arn,
            kms_data_key_reuse_period_seconds=KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
        ),
        # A new version on every change of the definition or configuration: executions started through the alias
        # (or a version ARN) keep running the version they started on, whatever is deployed after them.
        publish=True,
        # CreateStateMachine checks the role can deliver logs (and use the key): the policy must be in place first.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy]),
    )
    alias = aws.sfn.Alias(
        f"{name}-{LIVE_ALIAS}",
        name=LIVE_ALIAS,
        description=f"What callers of {physical_name} start: the newest version, or a canary split with the previous",
        routing_configurations=machine.state_machine_version_arn.apply(
            lambda version_arn: [
                aws.sfn.AliasRoutingConfigurationArgs(state_machine_version_arn=arn, weight=weight)
                for arn, weight in live_routing(version_arn, canary_weight)
            ]
        ),
        opts=child,
    )
    return StateMachineParts(machine=machine, role=role, policy=policy, log_group=log_group, alias=alias)


def _encryption_statements(
    key_arn: pulumi.Input[str],
    machine_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    region: pulumi.Input[str],
) -> list[iam.Statement]:
    # What AWS documents for a state machine with a customer-managed key that logs to CloudWatch Logs.
    return [
        iam.allow(
            "EncryptOwnExecutionData",
            key_policies.STATE_MACHINE_KEY_ACTIONS,
            [key_arn],
            {"StringEquals": {"kms:EncryptionContext:aws:states:stateMachineArn": machine_arn}},
        ),
        iam.allow(
            "EncryptOwnLogDelivery",
            ["kms:GenerateDataKey"],
            [key_arn],
            key_policies.state_machine_log_delivery_context(region, account_id),
        ),
    ]
