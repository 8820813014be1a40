"""components/stack_config.py: bad stack configuration fails before anything is created, naming the key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from components.stack_config import StackConfig

VALID_CONFIG = StackConfig(
    log_level="INFO",
    log_retention_days=14,
    idempotency_ttl_seconds=3600,
    powertools_layer_arn="arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27",
    lambda_architecture="arm64",
    lambda_memory_mb=256,
    lambda_timeout_seconds=10,
    standard_log_level="ALL",
    express_log_level="ALL",
    include_execution_data=True,
    deletion_protection=False,
    point_in_time_recovery=False,
)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"log_level": "LOUD"}, "logLevel"),
        ({"log_retention_days": 10}, "logRetentionDays"),
        ({"lambda_architecture": "x86_64"}, "built for lambdaArchitecture"),
        ({"powertools_layer_arn": "powertools"}, "layer version ARN"),
        ({"lambda_timeout_seconds": 901}, "lambdaTimeoutSeconds"),
        ({"express_log_level": "VERBOSE"}, "expressLogLevel"),
    ],
)
def test_bad_stack_config_is_rejected_with_the_key_named(change, message):
    with pytest.raises(ValueError, match=message):
        replace(VALID_CONFIG, **change)
