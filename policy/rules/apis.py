"""API Gateway REST APIs: no open route, and every stage logs its requests and traces them."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule, nested

METHOD = "aws:apigateway/method:Method"
STAGE = "aws:apigateway/stage:Stage"


def method_authorized(props: Props, context: PolicyContext) -> list[str]:
    # A CORS preflight is the one exception: browsers send it without credentials, and its MOCK answer starts nothing.
    if props.get("httpMethod") == "OPTIONS":
        return []
    if (props.get("authorization") or "NONE") == "NONE":
        return [f"API method {props.get('httpMethod')} is open: authorize it (AWS_IAM, COGNITO_USER_POOLS or CUSTOM)"]
    return []


def stage_logged_and_traced(props: Props, context: PolicyContext) -> list[str]:
    problems = []
    if not nested(props, "accessLogSettings", "destinationArn"):
        problems.append("API stages must write access logs (accessLogSettings.destinationArn)")
    if not props.get("xrayTracingEnabled"):
        problems.append("API stages must trace requests with X-Ray (xrayTracingEnabled)")
    return problems


RULES = (
    Rule(
        "apigateway-method-authorized",
        "Every API Gateway method requires authorization (CORS preflights excepted).",
        METHOD,
        method_authorized,
        mirrors=("CKV_AWS_59",),
    ),
    Rule(
        "apigateway-stage-access-logs-and-tracing",
        "Every API Gateway stage writes access logs and traces requests with X-Ray.",
        STAGE,
        stage_logged_and_traced,
        mirrors=("CKV_AWS_76", "CKV_AWS_73", "SecurityHub APIGateway.3"),
    ),
)
