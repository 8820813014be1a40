"""DynamoDB tables: point-in-time recovery, encryption (prod: the stack's key), deletion protection in prod."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule, nested

TABLE = "aws:dynamodb/table:Table"


def point_in_time_recovery(props: Props, context: PolicyContext) -> list[str]:
    if nested(props, "pointInTimeRecovery", "enabled") is not True:
        return ["DynamoDB tables must have point-in-time recovery enabled"]
    return []


def encrypted(props: Props, context: PolicyContext) -> list[str]:
    encryption = props.get("serverSideEncryption") or {}
    if encryption.get("enabled") is not True:
        return ["DynamoDB tables must enable server-side encryption with KMS"]
    if context.is_prod and not encryption.get("kmsKeyArn"):
        return ["prod DynamoDB tables must be encrypted with the stack's customer-managed KMS key"]
    return []


def deletion_protection_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and props.get("deletionProtectionEnabled") is not True:
        return ["prod DynamoDB tables must have deletion protection enabled"]
    return []


RULES = (
    Rule(
        "dynamodb-point-in-time-recovery",
        "DynamoDB tables can be restored to any second of the last 35 days.",
        TABLE,
        point_in_time_recovery,
        mirrors=("SecurityHub DynamoDB.2", "CKV_AWS_28"),
    ),
    Rule(
        "dynamodb-encryption",
        "DynamoDB tables are KMS-encrypted; in prod with the stack's customer-managed key.",
        TABLE,
        encrypted,
        mirrors=("CKV_AWS_119",),
    ),
    Rule(
        "dynamodb-deletion-protection-in-prod",
        "Prod DynamoDB tables cannot be deleted by accident.",
        TABLE,
        deletion_protection_in_prod,
        mirrors=("SecurityHub DynamoDB.6",),
    ),
)
