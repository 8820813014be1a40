"""IAM policy documents as data, plus the only `*` resources this stack allows and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]

# Actions that AWS only authorizes on Resource "*" (no resource-level permissions exist for them).
# Every other statement names its resources exactly; tests enforce this allow-list.
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


def allow(sid: str, actions: Sequence[str], resources: Sequence[pulumi.Input[str]]) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": list(resources)}


def allow_aws_required_wildcard(sid: str, actions: Sequence[str]) -> Statement:
    unlisted = [a for a in actions if a not in WILDCARD_RESOURCE_ACTIONS]
    if unlisted:
        raise ValueError(f"{unlisted} may not use Resource '*': grant them on exact resources")
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": ["*"]}


def policy_document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    # A dict with Outputs inside cannot be passed as `policy=`; json_dumps resolves them first.
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def service_trust_policy(service: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Trust only `service` acting for this account: guards against the confused-deputy problem."""
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        }
    )
