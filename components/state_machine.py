"""What both workflows share: a logged, traced state machine with a role scoped to its own resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam


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
) -> StateMachineParts:
    child = pulumi.ResourceOptions(parent=parent)
    physical_name = f"{pulumi.get_project()}-{name}-{pulumi.get_stack()}"[:80]
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs",
        # The vendedlogs prefix keeps CloudWatch Logs' account-wide resource policy from growing per group.
        name=f"/aws/vendedlogs/states/{physical_name}",
        retention_in_days=logging.retention_days,
        kms_key_id=logging.kms_key_arn,
        opts=child,
    )
    machine_arn = pulumi.Output.concat(
        "arn:aws:states:", region, ":", account_id, ":stateMachine:", physical_name
    )
    role = aws.iam.Role(
        f"{name}-role",
        assume_role_policy=pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "states.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        # Only this state machine, in this account, may assume the role (confused deputy).
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": account_id},
                            "ArnLike": {"aws:SourceArn": machine_arn},
                        },
                    }
                ],
            }
        ),
        description=f"Execution role of state machine {physical_name}",
        opts=child,
    )
    statements = [
        *extra_statements,
        iam.allow_aws_required_wildcard("DeliverLogs", iam.LOG_DELIVERY_ACTIONS),
        iam.allow_aws_required_wildcard("WriteTraces", iam.XRAY_WRITE_ACTIONS),
    ]
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
        # CreateStateMachine checks the role can deliver logs: the policy must be in place first.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[policy]),
    )
    return StateMachineParts(machine=machine, role=role, policy=policy, log_group=log_group)
