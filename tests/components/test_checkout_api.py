"""components/checkout_api.py and api_config.py: the options the stacks do not use (JWT, CORS) and bad config."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.api_config import load_api_config
from components.checkout_api import ApiAuthorization, ApiThrottling, CheckoutApi, CheckoutApiArgs

POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"
SAGA = "arn:aws:states:eu-west-1:123456789012:stateMachine:saga"
VALIDATION = "arn:aws:states:eu-west-1:123456789012:stateMachine:validation"


def declare(cloud, **options):
    @pulumi.runtime.test
    def run():
        api = CheckoutApi(
            "api",
            CheckoutApiArgs(
                checkout_state_machine_arn=SAGA,
                checkout_alias_arn=f"{SAGA}:live",
                validation_state_machine_arn=VALIDATION,
                validation_alias_arn=f"{VALIDATION}:live",
                invalid_order_outcome="OrderInvalid",
                throttling=ApiThrottling(rate_limit=10, burst_limit=20),
                log_retention_days=7,
                account_id="123456789012",
                region="eu-west-1",
                **options,
            ),
        )
        return api.base_url

    run()
    return {(m.name, m.inputs["httpMethod"]): m.inputs for m in cloud.of_type("aws:apigateway/method:Method")}


def test_jwt_authorization_puts_the_cognito_authorizer_on_every_route(cloud):
    methods = declare(cloud, authorization=ApiAuthorization("JWT", (POOL,)))
    (authorizer,) = cloud.of_type("aws:apigateway/authorizer:Authorizer")
    assert authorizer.inputs["type"] == "COGNITO_USER_POOLS"
    assert authorizer.inputs["providerArns"] == [POOL]
    assert authorizer.inputs["identitySource"] == "method.request.header.Authorization"
    assert len(methods) == 4
    for method in methods.values():
        assert method["authorization"] == "COGNITO_USER_POOLS"
        assert method["authorizerId"] == authorizer.outputs["name"] + "-id"


def test_cors_only_when_configured(cloud):
    methods = declare(cloud, cors_allow_origin="https://shop.example.com")
    preflights = {name for name, verb in methods if verb == "OPTIONS"}
    assert preflights == {"api-checkouts-preflight", "api-checkout-preflight", "api-validate-preflight"}
    answers = cloud.of_type("aws:apigateway/integrationResponse:IntegrationResponse")
    for answer in answers:
        assert answer.inputs["responseParameters"]["method.response.header.Access-Control-Allow-Origin"] == (
            "'https://shop.example.com'"
        )


def test_without_cors_no_answer_carries_cors_headers(cloud):
    methods = declare(cloud)
    assert "OPTIONS" not in {verb for _, verb in methods}
    for answer in cloud.of_type("aws:apigateway/integrationResponse:IntegrationResponse"):
        assert "responseParameters" not in answer.inputs


def test_without_the_account_role_the_component_leaves_the_account_setting_alone(cloud):
    declare(cloud, manage_account_logging_role=False)
    assert not cloud.of_type("aws:apigateway/account:Account")
    assert [r.name for r in cloud.of_type("aws:iam/role:Role")] == ["api-role"]


def test_the_account_logging_role_writes_only_to_the_access_logs(cloud):
    declare(cloud)
    policy = cloud.named("aws:iam/rolePolicy:RolePolicy", "api-logging-policy").policy_statements()
    logs = cloud.named("aws:cloudwatch/logGroup:LogGroup", "api-access-logs").outputs["arn"]
    write = next(s for s in policy if s["Sid"] == "WriteOwnAccessLogs")
    assert write["Resource"] == [logs, f"{logs}:*"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ApiAuthorization("OPEN"), "must be one of"),
        (lambda: ApiAuthorization("JWT"), "user pool"),
        (lambda: ApiThrottling(0, 10), "positive"),
    ],
)
def test_bad_settings_are_refused_with_a_message(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def config(values):
    pulumi.runtime.set_all_config({f"checkout-saga:{k}": v for k, v in values.items()})
    return pulumi.Config("checkout-saga")


def test_api_config_defaults_and_jwt_pools():
    loaded = load_api_config(
        config(
            {
                "apiThrottlingRateLimit": "5",
                "apiThrottlingBurstLimit": "9",
                "apiAuthorization": "JWT",
                "apiJwtUserPoolArns": json.dumps([POOL]),
            }
        )
    )
    assert loaded.authorization == ApiAuthorization("JWT", (POOL,))
    assert loaded.throttling == ApiThrottling(5.0, 9)
    assert (loaded.stage_name, loaded.cors_allow_origin, loaded.manage_account_logging_role) == ("v1", None, True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"apiThrottlingBurstLimit": "9"}, "apiThrottlingRateLimit"),
        ({"apiThrottlingRateLimit": "5", "apiThrottlingBurstLimit": "9", "apiJwtUserPoolArns": "nope"}, "list"),
        ({"apiThrottlingRateLimit": "5", "apiThrottlingBurstLimit": "9", "apiStageName": "v 1"}, "apiStageName"),
        ({"apiThrottlingRateLimit": "5", "apiThrottlingBurstLimit": "9", "apiCorsAllowOrigin": "shop"}, "origin"),
    ],
)
def test_bad_api_config_names_its_key(values, message):
    with pytest.raises(Exception, match=message):
        load_api_config(config(values))
