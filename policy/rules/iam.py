"""IAM: no wildcard actions, `*` resources only where AWS offers nothing narrower, trust against confused deputies.

The allow-list is the stack's own (components/iam.py WILDCARD_RESOURCE_ACTIONS, with the reason for each);
it is copied here because a policy pack runs on its own, and a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

from .model import PolicyContext, Props, Rule
from .policy_documents import Statement, as_list, label, statements

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
WILDCARD_RESOURCE_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)
# Confused-deputy keys; every service the stack trusts sends aws:SourceAccount (docs/security.md).
CONFUSED_DEPUTY_KEYS = ("aws:SourceAccount", "aws:SourceArn")


def no_wildcard_actions(props: Props, context: PolicyContext) -> list[str]:
    problems = []
    for index, statement in enumerate(_allow_statements(props)):
        if "NotAction" in statement:
            problems.append(f"{label(statement, index)} uses NotAction: name the allowed actions")
        wildcards = [action for action in as_list(statement.get("Action")) if "*" in action]
        if wildcards:
            problems.append(f"{label(statement, index)} allows wildcard actions {wildcards}: name each action")
    return problems


def wildcard_resources_only_where_required(props: Props, context: PolicyContext) -> list[str]:
    problems = []
    for index, statement in enumerate(_allow_statements(props)):
        if "NotResource" in statement:
            problems.append(f"{label(statement, index)} uses NotResource: name the resources")
        if any(resource == "*" for resource in as_list(statement.get("Resource"))):
            unlisted = sorted(set(as_list(statement.get("Action"))) - WILDCARD_RESOURCE_ACTIONS)
            if unlisted:
                problems.append(
                    f"{label(statement, index)} grants {unlisted} on Resource '*': only actions without "
                    "resource-level permissions (X-Ray, log delivery) may"
                )
    return problems


def trust_against_confused_deputy(props: Props, context: PolicyContext) -> list[str]:
    problems = []
    for index, statement in enumerate(statements(props.get("assumeRolePolicy"))):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if not services or set(principal or {}) != {"Service"}:
            problems.append(f"{label(statement, index)} must trust AWS service principals only, not {principal}")
            continue
        if not _condition_keys(statement) & set(CONFUSED_DEPUTY_KEYS):
            problems.append(
                f"{label(statement, index)} trusts {services} without aws:SourceAccount/aws:SourceArn "
                "(confused deputy)"
            )
    return problems


def _allow_statements(props: Props) -> list[Statement]:
    documents: list[Any] = [props.get("policy")] if props.get("policy") else []
    documents += [inline.get("policy") for inline in props.get("inlinePolicies") or [] if inline.get("policy")]
    return [s for document in documents for s in statements(document) if s.get("Effect") == "Allow"]


def _condition_keys(statement: Statement) -> set[str]:
    return {key for values in (statement.get("Condition") or {}).values() for key in values}


def _policy_rules(name: str, description: str, check: Any, mirrors: tuple[str, ...]) -> tuple[Rule, ...]:
    # Inline role policies, standalone policies and roles' inline policies are all identity policies.
    return tuple(
        Rule(f"{name}-{kind}", description, resource_type, check, mirrors)
        for kind, resource_type in (("role-policy", ROLE_POLICY), ("policy", POLICY), ("role", ROLE))
    )


RULES = (
    *_policy_rules(
        "iam-no-wildcard-actions",
        "IAM policies name every action they allow: no `*` in actions, no NotAction.",
        no_wildcard_actions,
        ("SecurityHub IAM.1", "SecurityHub IAM.21", "CKV_AWS_62", "CKV_AWS_63"),
    ),
    *_policy_rules(
        "iam-wildcard-resources-only-where-required",
        "IAM policies name their resources; `*` only for actions that have no resource-level permissions.",
        wildcard_resources_only_where_required,
        ("CKV_AWS_355",),
    ),
    Rule(
        "iam-trust-against-confused-deputy",
        "Roles trust AWS service principals only, restricted by aws:SourceAccount/aws:SourceArn.",
        ROLE,
        trust_against_confused_deputy,
        mirrors=("Prowler iam_role_cross_service_confused_deputy_prevention",),
    ),
)
