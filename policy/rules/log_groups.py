"""CloudWatch log groups: a retention period (a year in prod) and, in prod, the stack's KMS key."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PROD_MINIMUM_RETENTION_DAYS = 365


def retention(props: Props, context: PolicyContext) -> list[str]:
    days = props.get("retentionInDays")
    if not days:
        return ["log groups must set a retention period (retentionInDays), or they keep everything forever"]
    if context.is_prod and days < PROD_MINIMUM_RETENTION_DAYS:
        return [f"prod log groups must keep logs at least {PROD_MINIMUM_RETENTION_DAYS} days, not {days}"]
    return []


def kms_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and not props.get("kmsKeyId"):
        return ["prod log groups must be encrypted with the stack's customer-managed KMS key"]
    return []


RULES = (
    Rule(
        "log-group-retention",
        "Log groups expire their logs; in prod after no less than a year.",
        LOG_GROUP,
        retention,
        mirrors=("SecurityHub CloudWatch.16", "CKV_AWS_66", "CKV_AWS_338"),
    ),
    Rule(
        "log-group-kms-in-prod",
        "Prod log groups are encrypted with the stack's customer-managed KMS key.",
        LOG_GROUP,
        kms_in_prod,
        mirrors=("CKV_AWS_158",),
    ),
)
