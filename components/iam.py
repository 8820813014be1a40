"""IAM policy documents as data, plus the only `*` resources this stack allows and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]
Conditions = Mapping[str, Mapping[str, Any]]

# Actions that AWS only authorizes on Resource "*" (no resource-level permissions exist for them).
# Every other statement names its resources exactly; tests and the policy pack enforce this allow-list.
WILDCARD_RESOURCE_ACTIONS: dict[str, str] = {
    "xray:PutTraceSegments": "X-Ray has no resource-level permissions",
    "xray:PutTelemetryRecords": "X-Ray has no resource-level permissions",
    "xray:GetSamplingRules": "X-Ray has no resource-level permissions",
    "xray:GetSamplingTargets": "X-Ray has no resource-level permissions",
    # Step Functions delivers logs through CloudWatch vended logs, whose delivery APIs take no resource.
    "logs:CreateLogDelivery": "CloudWatch Logs delivery APIs require Resource *",
    "logs:GetLogDelivery": "CloudWatch Logs delivery APIs require Resource *",
    "logs:UpdateLogDelivery": "CloudWatch Logs delivery APIs require Resource *",
    "logs:DeleteLogDelivery": "CloudWatch Logs delivery APIs require Resource *",
    "logs:ListLogDeliveries": "CloudWatch Logs delivery APIs require Resource *",
    "logs:PutResourcePolicy": "CloudWatch Logs resource policies are account-wide",
    "logs:DescribeResourcePolicies": "CloudWatch Logs resource policies are account-wide",
    "logs:DescribeLogGroups": "DescribeLogGroups has no resource-level permissions",
}

# In a KMS key policy, Resource "*" means "this key" and is the only value AWS accepts: it is not a wildcard.
# Linters that read key policies as identity policies are given the key's ARN in its place.
KEY_POLICY_RESOURCE = "*"

XRAY_WRITE_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)


def allow(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]],
    conditions: Conditions | None = None,
) -> Statement:
    statement: Statement = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": list(resources)}
    if conditions:
        statement["Condition"] = {operator: dict(values) for operator, values in conditions.items()}
    return statement


def allow_aws_required_wildcard(sid: str, actions: Sequence[str]) -> Statement:
    unlisted = [a for a in actions if a not in WILDCARD_RESOURCE_ACTIONS]
    if unlisted:
        raise ValueError(f"{unlisted} may not use Resource '*': grant them on exact resources")
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": ["*"]}


def policy_document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    # A dict with Outputs inside cannot be passed as `policy=`; json_dumps resolves them first.
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def service_trust_policy(
    service: str,
    account_id: pulumi.Input[str],
    source_arn: pulumi.Input[str] | None = None,
    *,
    if_sent: bool = False,
) -> pulumi.Output[str]:
    """Trust only `service` acting for this account, and for `source_arn` where the service sends it
    (guards against the confused-deputy problem).

    Step Functions sends both keys when it assumes an execution role. Lambda sends aws:SourceAccount but
    documents no aws:SourceArn for execution roles (a condition on it would stop the function from starting),
    so Lambda roles are scoped to the account only; see docs/security.md. `if_sent`: for a service that documents
    neither key for assuming its role (AWS Backup), the account is checked whenever the service sends it
    (StringEqualsIfExists), so the role works either way and another account's request is still refused.
    """
    operator = "StringEqualsIfExists" if if_sent else "StringEquals"
    conditions: dict[str, Any] = {operator: {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": conditions,
                }
            ],
        }
    )


def role_arn(account_id: pulumi.Input[str], role_name: str) -> pulumi.Output[str]:
    """The ARN a role will have: key policies name roles before they exist (see key_policies)."""
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":role/", role_name)
