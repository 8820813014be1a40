"""The checkout API as the program declares it for dev and prod: routes, integrations, authorization on every
route, throttling, access logs, the integration role's scope, the base URL output."""

from __future__ import annotations

import json

from components.api_templates import ORDER_ID_PATTERN
from tests.program.test_program import config

METHOD = "aws:apigateway/method:Method"
INTEGRATION = "aws:apigateway/integration:Integration"
RESOURCE = "aws:apigateway/resource:Resource"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ACCOUNT_ID, REGION = "123456789012", "eu-west-1"


def machine_arn(stack: str, name: str) -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:checkout-saga-{name}-{stack}"


def routes(stack) -> dict[tuple[str, str], dict]:
    """(path, HTTP method) -> the method's inputs."""
    resources = {r.outputs["name"] + "-id": r for r in stack.cloud.of_type(RESOURCE)}

    def path(resource_id: str) -> str:
        resource = resources.get(resource_id)
        if resource is None:
            return ""
        return f"{path(resource.inputs['parentId'])}/{resource.inputs['pathPart']}"

    return {(path(m.inputs["resourceId"]), m.inputs["httpMethod"]): m.inputs for m in stack.cloud.of_type(METHOD)}


def test_three_routes_and_a_catch_all_all_signed_with_sigv4(declared_stack):
    declared = routes(declared_stack)
    assert set(declared) == {
        ("/checkouts", "POST"),
        ("/checkouts/{orderId}", "GET"),
        ("/orders/validate", "POST"),
        ("/{proxy+}", "ANY"),
    }  # and no OPTIONS: no CORS unless configured
    assert {method["authorization"] for method in declared.values()} == {"AWS_IAM"}
    assert declared[("/checkouts/{orderId}", "GET")]["requestParameters"] == {"method.request.path.orderId": True}
    for body_route in (("/checkouts", "POST"), ("/orders/validate", "POST")):
        assert declared[body_route]["requestValidatorId"] and declared[body_route]["requestModels"]


def test_integrations_call_step_functions_directly_with_the_api_role(declared_stack):
    stack = declared_stack.name
    integrations = {i.name: i.inputs for i in declared_stack.cloud.of_type(INTEGRATION)}
    role = declared_stack.cloud.named("aws:iam/role:Role", "checkout-api-role")
    expected = {
        # New checkouts and validations start through the live aliases; executions still belong to the machines.
        "checkout-api-start-checkout": ("StartExecution", machine_arn(stack, "checkout") + ":live"),
        "checkout-api-validate-order": ("StartSyncExecution", machine_arn(stack, "order-validation") + ":live"),
        "checkout-api-checkout-status": (
            "DescribeExecution",
            machine_arn(stack, "checkout").replace(":stateMachine:", ":execution:") + ":",
        ),
    }
    for name, (action, arn) in expected.items():
        integration = integrations[name]
        assert integration["type"] == "AWS"
        assert integration["uri"] == f"arn:aws:apigateway:{REGION}:states:action/{action}"
        assert integration["credentials"] == role.outputs["arn"]
        assert integration["passthroughBehavior"] == "NEVER"
        assert arn in integration["requestTemplates"]["application/json"]
    assert integrations["checkout-api-no-route"]["type"] == "MOCK"
    assert not declared_stack.cloud.of_type("aws:lambda/permission:Permission")  # no Lambda in between


def test_the_api_role_may_start_only_the_saga_and_the_validation(declared_stack):
    stack = declared_stack.name
    statements = {
        s["Sid"]: s for s in declared_stack.cloud.named(ROLE_POLICY, "checkout-api-policy").policy_statements()
    }
    assert statements.pop("StartCheckouts")["Resource"] == [machine_arn(stack, "checkout") + ":live"]
    assert statements.pop("ValidateOrders")["Resource"] == [machine_arn(stack, "order-validation") + ":live"]
    read = statements.pop("ReadCheckoutStatus")
    assert read["Action"] == ["states:DescribeExecution"]
    assert read["Resource"] == [machine_arn(stack, "checkout").replace(":stateMachine:", ":execution:") + ":*"]
    if stack == "prod":
        kms = statements.pop("EncryptedExecutionData")
        assert kms["Condition"]["StringEquals"]["kms:EncryptionContext:aws:states:stateMachineArn"] == [
            machine_arn(stack, "checkout"),
            machine_arn(stack, "order-validation"),
        ]
    assert statements == {}
    trust = json.loads(declared_stack.cloud.named("aws:iam/role:Role", "checkout-api-role").inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Condition"] == {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT_ID}}


def test_stage_throttling_and_json_access_logs_from_config(declared_stack):
    settings = config(declared_stack.name)
    cloud = declared_stack.cloud
    (method_settings,) = cloud.of_type("aws:apigateway/methodSettings:MethodSettings")
    assert method_settings.inputs["methodPath"] == "*/*"
    assert method_settings.inputs["settings"]["throttlingRateLimit"] == float(settings["apiThrottlingRateLimit"])
    assert method_settings.inputs["settings"]["throttlingBurstLimit"] == int(settings["apiThrottlingBurstLimit"])
    (stage,) = cloud.of_type("aws:apigateway/stage:Stage")
    logs = cloud.named("aws:cloudwatch/logGroup:LogGroup", "checkout-api-access-logs")
    assert stage.inputs["accessLogSettings"]["destinationArn"] == logs.outputs["arn"]
    fields = json.loads(stage.inputs["accessLogSettings"]["format"])
    assert fields["requestId"] == "$context.requestId" and fields["status"] == "$context.status"
    assert logs.inputs["retentionInDays"] == int(settings["logRetentionDays"])
    if declared_stack.name == "prod":
        assert logs.inputs["kmsKeyId"] == cloud.named("aws:kms/key:Key", "data").outputs["arn"]
    else:
        assert "kmsKeyId" not in logs.inputs


def test_prod_key_lets_cloudwatch_encrypt_the_access_logs(declared_stacks):
    key = declared_stacks["prod"].cloud.named("aws:kms/key:Key", "data")
    statements = {s["Sid"]: s for s in json.loads(key.inputs["policy"])["Statement"]}
    groups = statements["CloudWatchLogsForTheStackLogGroups"]["Condition"]["StringEquals"]
    assert (
        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/apigateway/checkout-saga-checkout-api-prod/access"
        in groups["kms:EncryptionContext:aws:logs:arn"]
    )


def test_base_url_is_a_stack_output(declared_stack):
    assert declared_stack.outputs["checkoutApiUrl"].startswith("https://")
    assert declared_stack.outputs["checkoutApiUrl"].endswith("/v1")


def test_the_api_and_the_domain_agree_on_order_ids():
    from handlers.checkout_domain.models import ORDER_ID_PATTERN as DOMAIN_PATTERN

    assert ORDER_ID_PATTERN == DOMAIN_PATTERN
