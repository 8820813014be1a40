"""components/security_events.py: the EventBridge patterns match the CloudTrail events of changes to the stack's
keys, its unsealing function and its code-signing configuration, however the caller named them, and nothing else.

Matched with moto's implementation of EventBridge's pattern matching (exact values, prefix, suffix, wildcard), on
events shaped as CloudTrail delivers them ("AWS API Call via CloudTrail", the request's parameters as sent).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from components.security_events import (
    code_signing_config_events_pattern,
    function_events_pattern,
    key_events_pattern,
)

ACCOUNT, REGION = "123456789012", "eu-west-1"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
OTHER_KEY_ID = "0000abcd-12ab-34cd-56ef-1234567890ab"
FUNCTION = "checkout-saga-process-payment-prod"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
PARTIAL_ARN = f"{ACCOUNT}:function:{FUNCTION}"
CONFIG_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-0123456789abcdef0"


def api_call(service: str, event_name: str, **request_parameters: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail",
        "source": f"aws.{service}",
        "account": ACCOUNT,
        "time": "2026-12-07T03:00:00Z",
        "region": REGION,
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/someone"},
            "eventSource": f"{service}.amazonaws.com",
            "eventName": event_name,
            "awsRegion": REGION,
            "requestParameters": request_parameters,
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
        },
    }


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


@pytest.mark.parametrize(
    "event, expected",
    [
        (api_call("kms", "PutKeyPolicy", keyId=KEY_ID, policyName="default", policy="{}"), True),
        (api_call("kms", "ScheduleKeyDeletion", keyId=KEY_ARN, pendingWindowInDays=7), True),
        (api_call("kms", "DisableKey", keyId=KEY_ID), True),
        (api_call("kms", "EnableKey", keyId=KEY_ID), False),
        (api_call("kms", "PutKeyPolicy", keyId=OTHER_KEY_ID, policyName="default", policy="{}"), False),
        (api_call("lambda", "PutKeyPolicy", keyId=KEY_ID), False),
    ],
    ids=["policy-by-id", "deletion-by-arn", "disabled", "enabled", "another-key", "another-source"],
)
def test_the_key_rule_matches_changes_to_the_stack_keys(event, expected):
    assert matches(key_events_pattern([KEY_ID], [KEY_ARN]), event) is expected


@pytest.mark.parametrize(
    "event, expected",
    [
        (api_call("lambda", "UpdateFunctionCode20150331v2", functionName=FUNCTION), True),
        (api_call("lambda", "UpdateFunctionConfiguration20150331v2", functionName=FUNCTION_ARN), True),
        (api_call("lambda", "UpdateFunctionConfiguration20150331v2", functionName=PARTIAL_ARN), True),
        (api_call("lambda", "AddPermission20150331v2", functionName=f"{FUNCTION_ARN}:live"), True),
        (api_call("lambda", "AddPermission20150331v2", functionName=f"{FUNCTION}:live"), True),
        (api_call("lambda", "PutFunctionCodeSigningConfig", functionName=FUNCTION), True),
        (api_call("lambda", "DeleteFunctionCodeSigningConfig", functionName=FUNCTION_ARN), True),
        (api_call("lambda", "UpdateFunctionCode20150331v2", functionName="checkout-saga-refund-payment-prod"), False),
        (api_call("lambda", "UpdateFunctionCode20150331v2", functionName=f"{FUNCTION}-copy"), False),
        (api_call("lambda", "Invoke", functionName=FUNCTION), False),
    ],
    ids=[
        "code-by-name",
        "configuration-by-arn",
        "configuration-by-partial-arn",
        "permission-on-an-alias-arn",
        "permission-on-a-qualified-name",
        "code-signing-attached",
        "code-signing-removed",
        "another-function",
        "a-look-alike-name",
        "an-invocation",
    ],
)
def test_the_function_rule_matches_changes_to_the_unsealing_function_however_it_is_named(event, expected):
    assert matches(function_events_pattern(FUNCTION), event) is expected


def test_the_code_signing_rule_matches_changes_to_the_stack_configuration_only():
    pattern = code_signing_config_events_pattern(CONFIG_ARN)

    assert matches(pattern, api_call("lambda", "UpdateCodeSigningConfig", codeSigningConfigArn=CONFIG_ARN))
    assert matches(pattern, api_call("lambda", "DeleteCodeSigningConfig", codeSigningConfigArn=CONFIG_ARN))
    assert not matches(pattern, api_call("lambda", "UpdateCodeSigningConfig", codeSigningConfigArn=CONFIG_ARN + "1"))
