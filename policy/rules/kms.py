"""KMS keys: rotated, and a key policy that administers from the account but lets nobody use the key freely."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule
from .policy_documents import Statement, as_list, label, statements

KEY = "aws:kms/key:Key"
# What using a key means; administering it (describe, rotate, schedule deletion...) is everything else.
CRYPTOGRAPHIC_ACTIONS = frozenset(
    {
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:CreateGrant",
    }
)
# Conditions that tie a use to a service, a data context or named principals.
SCOPING_CONDITION_PREFIXES = ("kms:ViaService", "kms:EncryptionContext:", "aws:PrincipalArn", "aws:SourceArn")


def rotation_enabled(props: Props, context: PolicyContext) -> list[str]:
    if props.get("enableKeyRotation") is not True:
        return ["customer-managed KMS keys must rotate their key material (enableKeyRotation)"]
    return []


def least_privilege_key_policy(props: Props, context: PolicyContext) -> list[str]:
    if not props.get("policy"):
        return ["KMS keys must have an explicit key policy (the default one lets any IAM grant use the key)"]
    problems = []
    for index, statement in enumerate(statements(props["policy"])):
        if statement.get("Effect") != "Allow":
            continue
        where = label(statement, index)
        if _public(statement):
            problems.append(f"{where} has a wildcard principal")
        actions = as_list(statement.get("Action"))
        if any("*" in action for action in actions):
            problems.append(f"{where} allows wildcard actions {[a for a in actions if '*' in a]}")
        if set(actions) & CRYPTOGRAPHIC_ACTIONS and not _scoped(statement):
            problems.append(
                f"{where} lets its principal use the key without kms:ViaService, an encryption context or named "
                "principals"
            )
    return problems


def _public(statement: Statement) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))


def _scoped(statement: Statement) -> bool:
    keys = {key for values in (statement.get("Condition") or {}).values() for key in values}
    return any(key.startswith(SCOPING_CONDITION_PREFIXES) for key in keys)


RULES = (
    Rule(
        "kms-key-rotation",
        "Customer-managed KMS keys rotate their key material.",
        KEY,
        rotation_enabled,
        mirrors=("SecurityHub KMS.4", "CKV_AWS_7"),
    ),
    Rule(
        "kms-key-policy-least-privilege",
        "Key policies have no wildcard principal or action, and every use of the key is scoped by a condition.",
        KEY,
        least_privilege_key_policy,
        mirrors=("CKV_AWS_33",),
    ),
)
