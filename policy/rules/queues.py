"""SQS queues: encrypted at rest; in prod with the stack's customer-managed key."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule

QUEUE = "aws:sqs/queue:Queue"


def encrypted(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and not props.get("kmsMasterKeyId"):
        return ["prod SQS queues must be encrypted with the stack's customer-managed KMS key"]
    if not (props.get("kmsMasterKeyId") or props.get("sqsManagedSseEnabled") is True):
        return ["SQS queues must be encrypted (SSE-SQS or a KMS key)"]
    return []


RULES = (
    Rule(
        "sqs-encryption",
        "SQS queues are encrypted at rest; in prod with the stack's customer-managed KMS key.",
        QUEUE,
        encrypted,
        mirrors=("SecurityHub SQS.1", "CKV_AWS_27"),
    ),
)
