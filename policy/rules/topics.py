"""SNS topics: in prod, encrypted with the stack's customer-managed key."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule

TOPIC = "aws:sns/topic:Topic"


def kms_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and not props.get("kmsMasterKeyId"):
        return ["prod SNS topics must be encrypted with the stack's customer-managed KMS key (kmsMasterKeyId)"]
    return []


RULES = (
    Rule(
        "sns-topic-kms-in-prod",
        "Prod SNS topics are encrypted at rest with the stack's customer-managed KMS key.",
        TOPIC,
        kms_in_prod,
        mirrors=("SecurityHub SNS.1", "CKV_AWS_26"),
    ),
)
