"""Alarms on the changes that could hand someone the payment tokens, from CloudTrail's management events.

Only ProcessPayment can unseal a token; what could change that is a change to the keys (their policy, disabling
them, scheduling their deletion), to the function (its code, configuration, layers, environment, code-signing
configuration, who may invoke it) or to the code-signing configuration itself. Each is an API call that CloudTrail
records and delivers to EventBridge ("AWS API Call via CloudTrail"); a rule per kind matches exactly the stack's
resources and publishes the event to the alarm topic.

Prerequisite outside the stack: CloudTrail delivers these events to EventBridge only in an account with a trail
logging management events (best-effort delivery, within minutes). IAM's own events arrive in us-east-1 only, which
is why role changes are not watched here: they cannot give another function the key (the unseal grant is tied to
the ProcessPayment function, see key_policies.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming

CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail"
KEY_EVENTS = ("DisableKey", "PutKeyPolicy", "ScheduleKeyDeletion")
# Lambda's CloudTrail event names carry an API version suffix (UpdateFunctionCode20150331v2): matched by prefix.
FUNCTION_EVENTS = (
    "AddPermission",
    "DeleteFunctionCodeSigningConfig",
    "PutFunctionCodeSigningConfig",
    "UpdateFunctionCode",
    "UpdateFunctionConfiguration",
)
CODE_SIGNING_CONFIG_EVENTS = ("DeleteCodeSigningConfig", "UpdateCodeSigningConfig")
# The rules' logical names (physical: <project>-<name>-<stack>), known before they exist: the topic policy names them.
KEY_RULE, FUNCTION_RULE, CODE_SIGNING_RULE = "key-changes", "unsealing-function-changes", "code-signing-changes"


def key_events_pattern(key_ids: Sequence[str], key_arns: Sequence[str]) -> dict[str, Any]:
    """PutKeyPolicy, DisableKey and ScheduleKeyDeletion on these keys, named by id or ARN as those APIs accept."""
    return {
        "source": ["aws.kms"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        "detail": {
            "eventSource": ["kms.amazonaws.com"],
            "eventName": list(KEY_EVENTS),
            "requestParameters": {"keyId": [*key_ids, *key_arns]},
        },
    }


def function_events_pattern(function_name: str) -> dict[str, Any]:
    """Changes to this function, named as Lambda's APIs accept it: name, ARN or partial ARN, with or without a
    qualifier."""
    return {
        "source": ["aws.lambda"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        "detail": {
            "eventSource": ["lambda.amazonaws.com"],
            "eventName": [{"prefix": event} for event in FUNCTION_EVENTS],
            "requestParameters": {
                "functionName": [
                    function_name,
                    {"prefix": f"{function_name}:"},
                    {"suffix": f":function:{function_name}"},
                    {"wildcard": f"*:function:{function_name}:*"},
                ]
            },
        },
    }


def code_signing_config_events_pattern(config_arn: str) -> dict[str, Any]:
    """Changes to the code-signing configuration itself (its allowed publishers, Enforce turned to Warn)."""
    return {
        "source": ["aws.lambda"],
        "detail-type": [CLOUDTRAIL_API_CALL],
        "detail": {
            "eventSource": ["lambda.amazonaws.com"],
            "eventName": [{"prefix": event} for event in CODE_SIGNING_CONFIG_EVENTS],
            "requestParameters": {"codeSigningConfigArn": [config_arn]},
        },
    }


def rule_names(watch_code_signing: bool) -> tuple[str, ...]:
    return (KEY_RULE, FUNCTION_RULE, *((CODE_SIGNING_RULE,) if watch_code_signing else ()))


def rule_arns(
    region: pulumi.Input[str], account_id: pulumi.Input[str], watch_code_signing: bool
) -> list[pulumi.Output[str]]:
    """The rules' ARNs, before they exist (for the alarm topic's policy)."""
    return [naming.event_rule_arn(region, account_id, rule) for rule in rule_names(watch_code_signing)]


@dataclass(frozen=True)
class WatchedKey:
    key_id: pulumi.Input[str]
    arn: pulumi.Input[str]


@dataclass(frozen=True)
class SecurityEventAlarmsArgs:
    topic_arn: pulumi.Input[str]
    keys: Sequence[WatchedKey]
    # The unsealing function's logical name (its physical name is known up front).
    function: str
    # The stack's code-signing configuration (prod); None: no code signing to watch.
    code_signing_config_arn: pulumi.Input[str] | None = None


class SecurityEventAlarms(pulumi.ComponentResource):
    def __init__(self, name: str, args: SecurityEventAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:security:SecurityEventAlarms", name, None, opts)
        key_ids = pulumi.Output.all(*[key.key_id for key in args.keys])
        key_arns = pulumi.Output.all(*[key.arn for key in args.keys])
        patterns: dict[str, tuple[str, pulumi.Input[str]]] = {
            KEY_RULE: (
                "Changes to the stack's KMS keys: policy, disabling, scheduled deletion",
                pulumi.Output.all(key_ids, key_arns).apply(lambda ids: json.dumps(key_events_pattern(*ids))),
            ),
            FUNCTION_RULE: (
                "Changes to the code, configuration or permissions of the function that unseals payment tokens",
                json.dumps(function_events_pattern(naming.function_name(args.function))),
            ),
        }
        if args.code_signing_config_arn is not None:
            patterns[CODE_SIGNING_RULE] = (
                "Changes to the stack's Lambda code-signing configuration",
                pulumi.Output.from_input(args.code_signing_config_arn).apply(
                    lambda arn: json.dumps(code_signing_config_events_pattern(arn))
                ),
            )
        self.rules: dict[str, aws.cloudwatch.EventRule] = {}
        for rule, (description, pattern) in patterns.items():
            self.rules[rule] = aws.cloudwatch.EventRule(
                rule,
                name=naming.event_rule_name(rule),
                description=description,
                event_pattern=pattern,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.cloudwatch.EventTarget(
                f"{rule}-to-alarm-topic",
                rule=self.rules[rule].name,
                arn=args.topic_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.rule_arns = [rule.arn for rule in self.rules.values()]
        self.register_outputs({"ruleArns": self.rule_arns})
