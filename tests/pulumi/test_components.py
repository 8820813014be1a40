"""Components on their own: argument checks and what each one declares, outside the checkout program."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pulumi
import pytest

from components import iam
from components.code_archive import handler_archive
from components.encryption_key import EncryptionKey, EncryptionKeyArgs
from components.handler_function import HandlerFunction, HandlerFunctionArgs, LambdaSettings, TableGrant
from components.stack_config import StackConfig
from components.table import Table, TableArgs
from emulator.pulumi_program import PROJECT_DIR
from tests.pulumi.fake_cloud import FakeCloud

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


def test_table_grants_must_be_explicit_dynamodb_actions():
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ("dynamodb:*",))
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ("s3:GetObject",))
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ())


def test_wildcard_resources_only_for_actions_aws_requires_it_for():
    assert iam.allow_aws_required_wildcard("Traces", ["xray:PutTraceSegments"])["Resource"] == ["*"]
    with pytest.raises(ValueError, match="dynamodb:GetItem"):
        iam.allow_aws_required_wildcard("Sneaky", ["xray:PutTraceSegments", "dynamodb:GetItem"])


def test_archive_of_a_missing_handler_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"nope\.py"):
        handler_archive(PROJECT_DIR / "handlers", "nope", ("checkout_domain",))
    (tmp_path / "h.py").write_text("")
    with pytest.raises(FileNotFoundError, match="not a Python package"):
        handler_archive(tmp_path, "h", ("missing",))


def test_table_component_declares_one_encrypted_on_demand_table():
    cloud = FakeCloud()
    pulumi.runtime.set_mocks(cloud, project="checkout-saga", stack="unit", preview=False)

    @pulumi.runtime.test
    def declare():
        table = Table(
            "ledger",
            TableArgs(
                hash_key="pk",
                point_in_time_recovery=True,
                deletion_protection=True,
                kms_key_arn="arn:aws:kms:eu-west-1:1:key/k",
            ),
        )

        def check(outputs):
            name, arn = outputs
            (declared,) = cloud.of_type("aws:dynamodb/table:Table")
            assert "rangeKey" not in declared.inputs
            assert declared.inputs["serverSideEncryption"] == {
                "enabled": True,
                "kmsKeyArn": "arn:aws:kms:eu-west-1:1:key/k",
            }
            assert "ttl" not in declared.inputs
            assert arn.endswith(f":table/{name}")

        return pulumi.Output.all(table.name, table.arn).apply(check)

    declare()


def test_encryption_key_component_declares_a_rotated_key_with_its_policy_and_an_alias():
    cloud = FakeCloud()
    pulumi.runtime.set_mocks(cloud, project="checkout-saga", stack="unit", preview=False)

    @pulumi.runtime.test
    def declare():
        key = EncryptionKey("ledger", EncryptionKeyArgs(description="test key", policy='{"Statement": []}'))

        def check(outputs):
            arn, alias_name = outputs
            (declared,) = cloud.of_type("aws:kms/key:Key")
            assert declared.inputs["enableKeyRotation"] is True
            assert declared.inputs["rotationPeriodInDays"] == 365
            assert declared.inputs["deletionWindowInDays"] == 30
            assert declared.inputs["policy"] == '{"Statement": []}'
            (alias,) = cloud.of_type("aws:kms/alias:Alias")
            assert alias_name == alias.inputs["name"] == "alias/checkout-saga-ledger-unit"
            assert alias.inputs["targetKeyId"] == declared.outputs["keyId"]
            assert arn == declared.outputs["arn"]

        return pulumi.Output.all(key.arn, key.alias_name).apply(check)

    declare()


def test_a_table_key_needs_the_region_and_account_it_is_used_in():
    pulumi.runtime.set_mocks(FakeCloud(), project="checkout-saga", stack="unit", preview=False)
    settings = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:1:layer:l:1", "INFO", 14, "s", "n")
    args = HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order", settings, table_key_arn="arn:aws:kms:k")

    with pytest.raises(ValueError, match="region and account"):
        HandlerFunction("confirm-order", args)
