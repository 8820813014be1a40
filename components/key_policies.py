"""Key policies of the stack's two customer-managed KMS keys, as data.

Both keys give the account root *administration* only (AWS requires someone to be able to manage a key, or
it becomes unmanageable); no statement lets a principal use a key directly from outside the services below.

The at-rest key (prod) is usable only *through* the services that store the stack's data: DynamoDB, SQS and
Step Functions (kms:ViaService / the state machines' encryption context) and CloudWatch Logs (service
principal, scoped by the log group encryption context). Those statements name the account, not single
roles: a principal also needs an IAM grant on the key (each role of the stack has exactly the one its
service use requires), and operators must be able to read what the stack stores (drain the dead-letter
queue, read an execution history, inspect an order) with their own IAM grants.

The payment-token key is stricter: anyone in the account with an IAM grant may *seal* a token (the checkout
backend does, see docs/security.md), but only the ProcessPayment role may *unseal* one, whatever IAM says, and only
from inside the ProcessPayment function: the key policy names the account (so an IAM grant is needed too) and the
role (aws:PrincipalArn); the role's one grant to decrypt is conditioned on lambda:SourceFunctionArn, the key Lambda
sets on every call made with a function's execution-role credentials. That key cannot go in the key policy itself:
AWS documents it for identity policies and SCPs only ("You cannot use the lambda:SourceFunctionArn condition key in
resource-based policies"), so a key policy condition on it would lock ProcessPayment out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components import naming
from components.iam import KEY_POLICY_RESOURCE, Conditions, Statement

PAYMENT_TOKEN_PURPOSE = "checkout-payment-token"
PURPOSE_CONTEXT_KEY = "kms:EncryptionContext:purpose"

# Managing a key, never using it: no Encrypt/Decrypt/GenerateDataKey/ReEncrypt, and no CreateGrant (a grant
# could hand the payment-token key's Decrypt to anyone).
KEY_ADMINISTRATION_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
# What DynamoDB does with a table's key on behalf of the caller (the same list as the AWS managed
# aws/dynamodb key's policy, without wildcards).
DYNAMODB_KEY_ACTIONS = (
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)
# What a table's *user* needs: DynamoDB decrypts the table key with the caller's permission (CreateGrant stays
# with the deployer, who creates the table).
TABLE_USER_KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")
# SQS producers need a data key and to decrypt it (AWS: "Key management" for SSE-KMS queues); consumers Decrypt.
SQS_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
# Step Functions encrypts definitions and execution data with data keys it generates and decrypts.
STATE_MACHINE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
# What a publisher to an SSE-KMS SNS topic needs (SNS: "Key management"); here EventBridge, for the alarm topic.
SNS_PUBLISHER_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
SNS_TOPIC_CONTEXT_KEY = "kms:EncryptionContext:aws:sns:topicArn"
# What creating a vault with this key and backing up into it needs, through AWS Backup (AWS Backup: "Backup vault
# creation"); AWS Backup keeps its own grants on the key for the vault's lifetime.
BACKUP_KEY_ACTIONS = ("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:RetireGrant")
CLOUDWATCH_LOGS_KEY_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)


def key_policy_document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def account_root(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":root")


def via_service(service: str, region: pulumi.Input[str], account_id: pulumi.Input[str]) -> Conditions:
    return {
        "StringEquals": {
            "kms:ViaService": pulumi.Output.concat(service, ".", region, ".amazonaws.com"),
            "kms:CallerAccount": account_id,
        }
    }


def state_machine_log_delivery_context(region: pulumi.Input[str], account_id: pulumi.Input[str]) -> Conditions:
    # The encryption context Step Functions sets when it has a data key generated for CloudWatch Logs delivery
    # (AWS: "Encryption at rest", logging with a customer managed key): literally this ARN, "*" included.
    source_arn = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":*")
    return {"StringEquals": {"kms:EncryptionContext:SourceArn": source_arn}}


def unseal_conditions(function_arn: pulumi.Input[str]) -> Conditions:
    """The conditions of the one IAM grant to unseal a token: the token purpose, from inside that function only."""
    return {
        "StringEquals": {PURPOSE_CONTEXT_KEY: PAYMENT_TOKEN_PURPOSE},
        "ArnEquals": {"lambda:SourceFunctionArn": function_arn},
    }


def at_rest_key_statements(
    account_id: pulumi.Input[str],
    region: pulumi.Input[str],
    functions: Sequence[str],
    workflows: Sequence[str],
    alarm_topics: Sequence[str] = (),
    backups: bool = False,
    extra_log_groups: Sequence[str] = (),
) -> list[Statement]:
    """For the stack's `functions` and `workflows` (logical names): their log groups and state machines; for its
    `alarm_topics` (logical names), EventBridge publishing to them; with `backups`, AWS Backup's vault;
    `extra_log_groups` (full names), more log groups of the stack."""
    root = account_root(account_id)
    log_groups = [naming.lambda_log_group_name(f) for f in functions]
    log_groups += [naming.state_machine_log_group_name(w) for w in workflows]
    log_groups += list(extra_log_groups)  # by full name, e.g. the API's access logs
    log_group_arns = [naming.log_group_arn(region, account_id, group) for group in log_groups]
    state_machine_arns = [naming.state_machine_arn(region, account_id, w) for w in workflows]
    return [
        _statement("KeyAdministration", {"AWS": root}, KEY_ADMINISTRATION_ACTIONS),
        _statement(
            "CloudWatchLogsForTheStackLogGroups",
            {"Service": pulumi.Output.concat("logs.", region, ".amazonaws.com")},
            CLOUDWATCH_LOGS_KEY_ACTIONS,
            # StringEquals, not AWS's ArnEquals example: IAM types encryption context keys as strings (linters flag
            # Arn operators on them), and for exact ARNs both operators match the same values.
            {"StringEquals": {"kms:EncryptionContext:aws:logs:arn": list(log_group_arns)}},
        ),
        _statement(
            "LogDeliveryForTheStackStateMachines",
            {"Service": "delivery.logs.amazonaws.com"},
            ("kms:Decrypt",),
            {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":*")},
            },
        ),
        _statement("ThroughDynamoDB", {"AWS": root}, DYNAMODB_KEY_ACTIONS, via_service("dynamodb", region, account_id)),
        _statement("ThroughSQS", {"AWS": root}, SQS_KEY_ACTIONS, via_service("sqs", region, account_id)),
        _statement(
            "ThroughStepFunctionsForTheStackStateMachines",
            {"AWS": root},
            STATE_MACHINE_KEY_ACTIONS,
            {
                "StringEquals": {
                    "kms:ViaService": pulumi.Output.concat("states.", region, ".amazonaws.com"),
                    "kms:CallerAccount": account_id,
                    "kms:EncryptionContext:aws:states:stateMachineArn": list(state_machine_arns),
                }
            },
        ),
        _statement(
            "StateMachineLogDelivery",
            {"AWS": root},
            ("kms:GenerateDataKey",),
            state_machine_log_delivery_context(region, account_id),
        ),
        *_alarm_topic_statements(region, account_id, alarm_topics),
        *([_statement("ThroughBackup", {"AWS": root}, BACKUP_KEY_ACTIONS, via_service("backup", region, account_id))]
          if backups else []),
    ]


def _alarm_topic_statements(
    region: pulumi.Input[str], account_id: pulumi.Input[str], topics: Sequence[str]
) -> list[Statement]:
    if not topics:
        return []
    topic_arns = [naming.topic_arn(region, account_id, topic) for topic in topics]
    return [
        # EventBridge publishes the security events to the alarm topic, which SNS encrypts with this key: for those
        # topics' encryption context only.
        _statement(
            "EventBridgeToTheStackAlarmTopics",
            {"Service": "events.amazonaws.com"},
            SNS_PUBLISHER_KEY_ACTIONS,
            {"StringEquals": {SNS_TOPIC_CONTEXT_KEY: list(topic_arns)}},
        ),
        # And the operations alarms publish there through CloudWatch (components/saga_alarms.py).
        _statement(
            "CloudWatchAlarmsToTheStackAlarmTopics",
            {"Service": "cloudwatch.amazonaws.com"},
            SNS_PUBLISHER_KEY_ACTIONS,
            {"StringEquals": {SNS_TOPIC_CONTEXT_KEY: list(topic_arns)}},
        ),
    ]


def payment_token_key_statements(
    account_id: pulumi.Input[str], unsealing_role_arns: Sequence[pulumi.Input[str]]
) -> list[Statement]:
    root = account_root(account_id)
    purpose = {PURPOSE_CONTEXT_KEY: PAYMENT_TOKEN_PURPOSE}
    return [
        _statement("KeyAdministration", {"AWS": root}, KEY_ADMINISTRATION_ACTIONS),
        # Sealing = generating a data key for an AWS Encryption SDK message; callers need an IAM grant too.
        _statement("SealPaymentTokens", {"AWS": root}, ("kms:GenerateDataKey",), {"StringEquals": purpose}),
        # aws:PrincipalArn rather than the role as Principal: a key policy may only name principals that already
        # exist, and the role is created after the key (its function's configuration names the key).
        _statement(
            "UnsealOnlyInThePaymentStep",
            {"AWS": root},
            ("kms:Decrypt",),
            {"StringEquals": purpose, "ArnEquals": {"aws:PrincipalArn": list(unsealing_role_arns)}},
        ),
    ]


def _statement(
    sid: str, principal: dict[str, Any], actions: Sequence[str], conditions: Conditions | None = None
) -> Statement:
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": sorted(actions),
        "Resource": KEY_POLICY_RESOURCE,
    }
    if conditions:
        statement["Condition"] = {operator: dict(values) for operator, values in conditions.items()}
    return statement
