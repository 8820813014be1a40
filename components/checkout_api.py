"""The front door: an API Gateway REST API that starts checkouts, validates orders and reports a checkout's status,
calling Step Functions directly (no Lambda in between).

Why a REST API with AWS integrations and mapping templates, not an HTTP API with its first-class Step Functions
integrations: the answers this API owes its clients need what only the REST flavour can express.

- 409 for a duplicate order and 400 for a bad name both come back from StartExecution as HTTP 400; telling them
  apart needs the error's type in the body. An HTTP API maps responses by status code only; a REST response
  template reads `__type` and sets `$context.responseOverride.status`.
- StartSyncExecution answers 200 even when the execution failed: 422 for an invalid order needs the body's
  `status`/`error`, again a response template.
- 400 for a missing or unusable order id must start nothing: a REST request validator checks the body against a
  JSON Schema model before the integration runs. An HTTP API has no request validation (StartExecution without a
  name would start an execution under a random one).
- The status query is DescribeExecution, which is not among HTTP API's first-class subtypes (Start, StartSync,
  Stop); a REST AWS integration can call any action.

What the REST flavour costs: more resources (a method, integration and responses per route, a deployment and a
stage), and its JWT option is a Cognito user-pool authorizer (an HTTP API validates any issuer's JWTs). Access
logging needs the account's API Gateway CloudWatch role, which this component can set (`manage_account_logging_role`;
it is one setting per account and region, shared by every REST API there).

Routes (all authorized: AWS_IAM, or JWT through a Cognito user pool; none is open):
  POST /checkouts             StartExecution of the saga, execution name = the body's order_id; 202 + Location
  POST /orders/validate       StartSyncExecution of the validation workflow; 200, or 422 with the errors
  GET  /checkouts/{orderId}   DescribeExecution; 200 with the status and outcome, 404 for an unknown order
  any other path              404 (authorized like the rest: an unsigned caller learns nothing about routes)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import api_templates as templates
from components import iam, naming

AUTHORIZATION_KINDS = ("AWS_IAM", "JWT")
# Access log fields (API Gateway's $context variables), one JSON object per request.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "sourceIp": "$context.identity.sourceIp",
        "caller": "$context.identity.caller",
        "user": "$context.identity.user",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationStatus": "$context.integration.status",
        "integrationLatency": "$context.integration.latency",
        "errorMessage": "$context.error.message",
    },
    separators=(",", ":"),
)


@dataclass(frozen=True)
class ApiAuthorization:
    """`AWS_IAM` (callers sign with SigV4) or `JWT` (a bearer token of one of `user_pool_arns`)."""

    kind: str = "AWS_IAM"
    user_pool_arns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in AUTHORIZATION_KINDS:
            raise ValueError(f"API authorization must be one of {AUTHORIZATION_KINDS}, got {self.kind!r}")
        if self.kind == "JWT" and not self.user_pool_arns:
            raise ValueError("JWT authorization needs the Cognito user pool ARNs whose tokens it accepts")


@dataclass(frozen=True)
class ApiThrottling:
    rate_limit: float  # requests per second, steady
    burst_limit: int

    def __post_init__(self) -> None:
        if self.rate_limit <= 0 or self.burst_limit <= 0:
            raise ValueError(f"API throttling needs positive rate and burst limits, got {self}")


@dataclass(frozen=True)
class CheckoutApiArgs:
    checkout_state_machine_arn: pulumi.Input[str]
    # What new checkouts start through (the saga's `live` alias): its executions still belong to the state machine.
    checkout_alias_arn: pulumi.Input[str]
    validation_state_machine_arn: pulumi.Input[str]
    # What validations start through (the validation workflow's `live` alias).
    validation_alias_arn: pulumi.Input[str]
    # The validation workflow's Fail error for an invalid order: answered 422.
    invalid_order_outcome: str
    throttling: ApiThrottling
    log_retention_days: int
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    authorization: ApiAuthorization = field(default_factory=ApiAuthorization)
    stage_name: str = "v1"
    # None: no CORS at all (no OPTIONS routes, no Access-Control headers).
    cors_allow_origin: str | None = None
    # Prod: the stack's key for the access logs, and for the state machines the role starts (their data is encrypted).
    kms_key_arn: pulumi.Input[str] | None = None
    manage_account_logging_role: bool = True


@dataclass(frozen=True)
class _Answer:
    status_code: str
    template: str
    selection_pattern: str | None = None  # None: the default answer


class CheckoutApi(pulumi.ComponentResource):
    base_url: pulumi.Output[str]
    rest_api_id: pulumi.Output[str]

    def __init__(self, name: str, args: CheckoutApiArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("checkout:api:CheckoutApi", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        self.api = aws.apigateway.RestApi(
            name,
            name=naming.physical_name(name, naming.API_NAME_MAX_LENGTH),
            description="Checkout saga: start checkouts, validate orders, query a checkout's status",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            opts=child,
        )
        self.role = self._integration_role()
        self._authorizer = self._create_authorizer()
        validator = aws.apigateway.RequestValidator(
            f"{name}-body", rest_api=self.api.id, name="body", validate_request_body=True, opts=child
        )
        checkout_model = self._model("CheckoutRequest", templates.CHECKOUT_REQUEST_MODEL)
        validation_model = self._model("ValidationRequest", templates.VALIDATION_REQUEST_MODEL)

        checkouts = self._resource("checkouts", self.api.root_resource_id, "checkouts")
        checkout = self._resource("checkout", checkouts.id, "{orderId}")
        orders = self._resource("orders", self.api.root_resource_id, "orders")
        validate = self._resource("validate", orders.id, "validate")
        anything = self._resource("no-route", self.api.root_resource_id, "{proxy+}")

        execution_prefix = pulumi.Output.from_input(args.checkout_state_machine_arn).apply(
            lambda arn: arn.replace(":stateMachine:", ":execution:") + ":"
        )
        refused = _Answer("400", templates.STEP_FUNCTIONS_REFUSED, r"4\d{2}")
        failed = _Answer("502", templates.STEP_FUNCTIONS_FAILED, r"5\d{2}")
        parts: list[pulumi.Resource] = []
        parts += self._step_functions_route(
            "start-checkout",
            checkouts,
            "POST",
            "StartExecution",
            pulumi.Output.from_input(args.checkout_alias_arn).apply(
                lambda arn: templates.fill(templates.START_CHECKOUT_REQUEST, state_machine_arn=arn)
            ),
            [
                _Answer("202", templates.START_CHECKOUT_ACCEPTED),
                _Answer("400", templates.START_CHECKOUT_REFUSED, r"4\d{2}"),
                failed,
            ],
            extra_statuses=("409",),
            validator=validator,
            model=checkout_model,
        )
        parts += self._step_functions_route(
            "validate-order",
            validate,
            "POST",
            "StartSyncExecution",
            pulumi.Output.from_input(args.validation_alias_arn).apply(
                lambda arn: templates.fill(templates.VALIDATE_ORDER_REQUEST, state_machine_arn=arn)
            ),
            [
                _Answer(
                    "200",
                    templates.fill(templates.VALIDATE_ORDER_ANSWERED, invalid_outcome=args.invalid_order_outcome),
                ),
                refused,
                failed,
            ],
            extra_statuses=("422",),
            validator=validator,
            model=validation_model,
        )
        parts += self._step_functions_route(
            "checkout-status",
            checkout,
            "GET",
            "DescribeExecution",
            execution_prefix.apply(
                lambda prefix: templates.fill(templates.CHECKOUT_STATUS_REQUEST, execution_arn_prefix=prefix)
            ),
            [
                _Answer("200", templates.CHECKOUT_STATUS_ANSWERED),
                _Answer("400", templates.CHECKOUT_STATUS_REFUSED, r"4\d{2}"),
                failed,
            ],
            extra_statuses=("404",),
            path_parameters=("orderId",),
        )
        parts += self._no_route(anything)
        parts += self._gateway_responses()
        if args.cors_allow_origin is not None:
            for key, resource in (("checkouts", checkouts), ("checkout", checkout), ("validate", validate)):
                parts += self._cors_preflight(key, resource)

        self.deployment = aws.apigateway.Deployment(
            name,
            rest_api=self.api.id,
            # A new deployment whenever a route changes: a stage serves a snapshot, not the live configuration.
            triggers={"routes": _fingerprint(args)},
            opts=pulumi.ResourceOptions(parent=self, depends_on=parts),
        )
        self.access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            name=naming.api_access_log_group_name(name),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            opts=child,
        )
        stage_dependencies: list[pulumi.Resource] = []
        if args.manage_account_logging_role:
            stage_dependencies.append(self._account_logging_role())
        self.stage = aws.apigateway.Stage(
            name,
            rest_api=self.api.id,
            deployment=self.deployment.id,
            stage_name=args.stage_name,
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=self.access_logs.arn, format=ACCESS_LOG_FORMAT
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=stage_dependencies),
        )
        self.method_settings = aws.apigateway.MethodSettings(
            f"{name}-throttling",
            rest_api=self.api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                throttling_rate_limit=args.throttling.rate_limit,
                throttling_burst_limit=args.throttling.burst_limit,
                metrics_enabled=True,
            ),
            opts=child,
        )
        self.rest_api_id = self.api.id
        self.base_url = self.stage.invoke_url
        self.register_outputs({"baseUrl": self.base_url, "restApiId": self.rest_api_id})

    # --- the routes --------------------------------------------------------------------------------------------

    def _resource(self, key: str, parent_id: pulumi.Input[str], path_part: str) -> aws.apigateway.Resource:
        return aws.apigateway.Resource(
            f"{self._name}-{key}",
            rest_api=self.api.id,
            parent_id=parent_id,
            path_part=path_part,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _model(self, model_name: str, schema: str) -> aws.apigateway.Model:
        return aws.apigateway.Model(
            f"{self._name}-{model_name}",
            rest_api=self.api.id,
            name=model_name,
            content_type=templates.JSON,
            schema=schema,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _method(
        self,
        key: str,
        resource: aws.apigateway.Resource,
        http_method: str,
        *,
        validator: aws.apigateway.RequestValidator | None = None,
        model: aws.apigateway.Model | None = None,
        path_parameters: Sequence[str] = (),
    ) -> aws.apigateway.Method:
        jwt = self._authorizer is not None
        return aws.apigateway.Method(
            f"{self._name}-{key}",
            rest_api=self.api.id,
            resource_id=resource.id,
            http_method=http_method,
            authorization="COGNITO_USER_POOLS" if jwt else "AWS_IAM",
            authorizer_id=self._authorizer.id if self._authorizer is not None else None,
            request_validator_id=validator.id if validator is not None else None,
            request_models={templates.JSON: model.name} if model is not None else None,
            request_parameters={f"method.request.path.{p}": True for p in path_parameters} or None,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _step_functions_route(
        self,
        key: str,
        resource: aws.apigateway.Resource,
        http_method: str,
        action: str,
        request_template: pulumi.Input[str],
        answers: Sequence[_Answer],
        *,
        extra_statuses: Sequence[str] = (),
        validator: aws.apigateway.RequestValidator | None = None,
        model: aws.apigateway.Model | None = None,
        path_parameters: Sequence[str] = (),
    ) -> list[pulumi.Resource]:
        method = self._method(
            key, resource, http_method, validator=validator, model=model, path_parameters=path_parameters
        )
        integration = aws.apigateway.Integration(
            f"{self._name}-{key}",
            rest_api=self.api.id,
            resource_id=resource.id,
            http_method=method.http_method,
            type="AWS",
            integration_http_method="POST",  # every Step Functions action is a JSON POST
            uri=pulumi.Output.concat("arn:aws:apigateway:", self._args.region, ":states:action/", action),
            credentials=self.role.arn,
            # Only JSON bodies reach Step Functions; anything else is refused (415) instead of passed through.
            passthrough_behavior="NEVER",
            request_templates={templates.JSON: request_template},
            opts=pulumi.ResourceOptions(parent=self),
        )
        return [method, integration, *self._answers(key, resource, method, integration, answers, extra_statuses)]

    def _answers(
        self,
        key: str,
        resource: aws.apigateway.Resource,
        method: aws.apigateway.Method,
        integration: pulumi.Resource,
        answers: Sequence[_Answer],
        extra_statuses: Sequence[str] = (),
    ) -> list[pulumi.Resource]:
        """A method response per status the route can answer, and an integration response per answer."""
        created: list[pulumi.Resource] = []
        cors = self._cors_headers()
        statuses = dict.fromkeys([*(a.status_code for a in answers), *extra_statuses])
        for status in statuses:
            created.append(
                aws.apigateway.MethodResponse(
                    f"{self._name}-{key}-{status}",
                    rest_api=self.api.id,
                    resource_id=resource.id,
                    http_method=method.http_method,
                    status_code=status,
                    response_parameters={
                        **({"method.response.header.Location": False} if status == "202" else {}),
                        **{f"method.response.header.{h}": False for h in cors},
                    }
                    or None,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        for answer in answers:
            created.append(
                aws.apigateway.IntegrationResponse(
                    f"{self._name}-{key}-{answer.status_code}-answer",
                    rest_api=self.api.id,
                    resource_id=resource.id,
                    http_method=method.http_method,
                    status_code=answer.status_code,
                    selection_pattern=answer.selection_pattern,
                    response_templates={templates.JSON: answer.template},
                    response_parameters={f"method.response.header.{h}": v for h, v in cors.items()} or None,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[integration, *created]),
                )
            )
        return created

    def _no_route(self, resource: aws.apigateway.Resource) -> list[pulumi.Resource]:
        method = self._method("no-route", resource, "ANY")
        integration = aws.apigateway.Integration(
            f"{self._name}-no-route",
            rest_api=self.api.id,
            resource_id=resource.id,
            http_method=method.http_method,
            type="MOCK",  # answered by API Gateway itself
            request_templates={templates.JSON: '{"statusCode": 404}'},
            opts=pulumi.ResourceOptions(parent=self),
        )
        answers = self._answers("no-route", resource, method, integration, [_Answer("404", templates.NO_ROUTE)])
        return [method, integration, *answers]

    def _cors_preflight(self, key: str, resource: aws.apigateway.Resource) -> list[pulumi.Resource]:
        """An unauthenticated OPTIONS answer (browsers send preflights without credentials); only with CORS on."""
        method = aws.apigateway.Method(
            f"{self._name}-{key}-preflight",
            rest_api=self.api.id,
            resource_id=resource.id,
            http_method="OPTIONS",
            authorization="NONE",
            opts=pulumi.ResourceOptions(parent=self),
        )
        integration = aws.apigateway.Integration(
            f"{self._name}-{key}-preflight",
            rest_api=self.api.id,
            resource_id=resource.id,
            http_method=method.http_method,
            type="MOCK",
            request_templates={templates.JSON: '{"statusCode": 204}'},
            opts=pulumi.ResourceOptions(parent=self),
        )
        answers = self._answers(f"{key}-preflight", resource, method, integration, [_Answer("204", "")])
        return [method, integration, *answers]

    def _cors_headers(self) -> dict[str, str]:
        origin = self._args.cors_allow_origin
        if origin is None:
            return {}
        return {
            "Access-Control-Allow-Origin": f"'{origin}'",
            "Access-Control-Allow-Headers": "'Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token'",
            "Access-Control-Allow-Methods": "'GET,POST,OPTIONS'",
        }

    def _gateway_responses(self) -> list[pulumi.Resource]:
        return [
            aws.apigateway.Response(
                f"{self._name}-{response_type.lower().replace('_', '-')}",
                rest_api_id=self.api.id,
                response_type=response_type,
                status_code=str(status),
                response_templates={templates.JSON: template},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for response_type, (status, template) in templates.GATEWAY_RESPONSES.items()
        ]

    # --- authorization and roles -------------------------------------------------------------------------------

    def _create_authorizer(self) -> aws.apigateway.Authorizer | None:
        if self._args.authorization.kind != "JWT":
            return None
        return aws.apigateway.Authorizer(
            f"{self._name}-jwt",
            rest_api=self.api.id,
            name="jwt",
            type="COGNITO_USER_POOLS",
            provider_arns=list(self._args.authorization.user_pool_arns),
            identity_source="method.request.header.Authorization",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _integration_role(self) -> aws.iam.Role:
        """The role API Gateway calls Step Functions with: start the saga, start the validation, read the saga's
        executions (the status route). Nothing else."""
        args = self._args
        checkout_executions = pulumi.Output.from_input(args.checkout_state_machine_arn).apply(
            lambda arn: arn.replace(":stateMachine:", ":execution:") + ":*"
        )
        role = aws.iam.Role(
            f"{self._name}-role",
            name=naming.role_name(self._name),
            # API Gateway documents neither condition key for integration roles: the account is checked if sent.
            assume_role_policy=iam.service_trust_policy("apigateway.amazonaws.com", args.account_id, if_sent=True),
            description="API Gateway's role for the checkout API's Step Functions integrations",
            opts=pulumi.ResourceOptions(parent=self),
        )
        statements = [
            iam.allow("StartCheckouts", ["states:StartExecution"], [args.checkout_alias_arn]),
            iam.allow("ValidateOrders", ["states:StartSyncExecution"], [args.validation_alias_arn]),
            iam.allow("ReadCheckoutStatus", ["states:DescribeExecution"], [checkout_executions]),
        ]
        if args.kms_key_arn is not None:
            # The state machines' data is encrypted with the stack's key: starting and reading need it, via Step
            # Functions and for these two state machines only.
            statements.append(
                iam.allow(
                    "EncryptedExecutionData",
                    ["kms:Decrypt", "kms:GenerateDataKey"],
                    [args.kms_key_arn],
                    {
                        "StringEquals": {
                            "kms:ViaService": pulumi.Output.concat("states.", args.region, ".amazonaws.com"),
                            "kms:EncryptionContext:aws:states:stateMachineArn": [
                                args.checkout_state_machine_arn,
                                args.validation_state_machine_arn,
                            ],
                        }
                    },
                )
            )
        self.role_policy = aws.iam.RolePolicy(
            f"{self._name}-policy",
            role=role.id,
            policy=iam.policy_document(statements),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return role

    def _account_logging_role(self) -> aws.apigateway.Account:
        """API Gateway writes access logs with the account's CloudWatch role: one setting per account and region."""
        role = aws.iam.Role(
            f"{self._name}-logging-role",
            name=naming.role_name(f"{self._name}-logging"),
            assume_role_policy=iam.service_trust_policy(
                "apigateway.amazonaws.com", self._args.account_id, if_sent=True
            ),
            description="API Gateway's account-wide role for writing access logs",
            opts=pulumi.ResourceOptions(parent=self),
        )
        log_streams = self.access_logs.arn.apply(lambda arn: f"{arn}:*")
        policy = aws.iam.RolePolicy(
            f"{self._name}-logging-policy",
            role=role.id,
            policy=iam.policy_document(
                [
                    iam.allow(
                        "WriteOwnAccessLogs",
                        ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        [self.access_logs.arn, log_streams],
                    ),
                    iam.allow_aws_required_wildcard("FindLogGroups", ["logs:DescribeLogGroups"]),
                ]
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return aws.apigateway.Account(
            f"{self._name}-account",
            cloudwatch_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )


def _fingerprint(args: CheckoutApiArgs) -> pulumi.Output[str]:
    """A hash of what the routes are made of: the templates and models, the authorization, CORS and the state
    machines. It changes whenever a deployed route would."""
    routes = Path(templates.__file__).read_text() + repr((args.authorization, args.cors_allow_origin))
    machines = pulumi.Output.all(args.checkout_alias_arn, args.validation_alias_arn)
    return machines.apply(lambda arns: hashlib.sha256((routes + "\n".join(arns)).encode()).hexdigest())
