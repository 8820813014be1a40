"""components/handler_function.py: argument checks of the HandlerFunction component."""

from __future__ import annotations

import pulumi
import pytest

from components.handler_function import HandlerFunction, HandlerFunctionArgs, LambdaSettings, TableGrant
from devstack.program import PROJECT_DIR


def test_table_grants_must_be_explicit_dynamodb_actions():
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ("dynamodb:*",))
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ("s3:GetObject",))
    with pytest.raises(ValueError):
        TableGrant("arn:aws:dynamodb:eu-west-1:1:table/t", ())


@pytest.mark.usefixtures("cloud")
def test_a_table_key_needs_the_region_and_account_it_is_used_in():
    settings = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:1:layer:l:1", "INFO", 14, "s", "n")
    args = HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order", settings, table_key_arn="arn:aws:kms:k")

    with pytest.raises(ValueError, match="region and account"):
        HandlerFunction("confirm-order", args)


def test_a_reserved_concurrency_is_not_negative():
    settings = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:1:layer:l:1", "INFO", 14, "s", "n")

    with pytest.raises(ValueError, match="reserved concurrency must be >= 0"):
        HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order", settings, reserved_concurrency=-1)


def test_the_reservation_and_the_zip_archive_reach_the_function(cloud):
    settings = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:1:layer:l:1", "INFO", 14, "s", "n")

    @pulumi.runtime.test
    def declare():
        function = HandlerFunction(
            "confirm-order",
            HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order", settings, reserved_concurrency=7),
        )

        def check(_):
            declared = cloud.named("aws:lambda/function:Function", "confirm-order").inputs
            assert declared["reservedConcurrentExecutions"] == 7
            assert "confirm_order.py" in declared["code"].assets
            assert "codeSigningConfigArn" not in declared and "s3Key" not in declared

        return function.arn.apply(check)

    declare()


@pytest.mark.parametrize(("log_level", "lambda_level"),
                         [("DEBUG", "DEBUG"), ("WARNING", "WARN"), ("CRITICAL", "FATAL")])
def test_json_logs_are_filtered_at_the_stack_s_log_level(cloud, log_level: str, lambda_level: str):
    settings = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:1:layer:l:1", log_level, 14, "s", "n")

    @pulumi.runtime.test
    def declare():
        function = HandlerFunction("confirm-order", HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order",
                                                                        settings))

        def check(_):
            logging_config = cloud.named("aws:lambda/function:Function", "confirm-order").inputs["loggingConfig"]
            assert (logging_config["logFormat"], logging_config["applicationLogLevel"]) == ("JSON", lambda_level)

        return function.arn.apply(check)

    declare()
