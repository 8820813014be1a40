"""Creators for the API Gateway (REST) resources of the program, on moto's apigateway backend.

The emulator serves what is created here (emulator/apigateway/): a stage's invoke URL is therefore the emulator's
path-style URL, `<endpoint>/_aws/execute-api/<api id>/<stage>` (LocalStack's form), not execute-api's host name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol

Outputs = dict[str, Any]
Creator = Callable[[str, Outputs], tuple[str, Outputs]]
EXECUTE_API_PATH = "/_aws/execute-api"
MOTO_CUSTOM_ID_TAG = "_custom_id_"


class _Provider(Protocol):
    endpoint_url: str
    region: str

    def client(self, service: str) -> Any: ...


def stable_api_id(api_name: str) -> str:
    """Ten lowercase letters and digits, as API Gateway's ids, derived from the API's name."""
    return hashlib.sha256(api_name.encode()).hexdigest()[:10]


def invoke_url(endpoint_url: str, api_id: str, stage: str) -> str:
    return f"{endpoint_url}{EXECUTE_API_PATH}/{api_id}/{stage}"


def apigateway_creators(provider: _Provider) -> dict[str, Creator]:
    def client() -> Any:
        return provider.client("apigateway")

    def rest_api(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        api_name = inputs.get("name") or name
        api = client().create_rest_api(
            name=api_name,
            description=inputs.get("description", ""),
            endpointConfiguration={"types": [_first((inputs.get("endpointConfiguration") or {}).get("types"))]},
            # moto's way to choose an id: the same API gets the same URL on every run, so it can be written down.
            tags={**dict(inputs.get("tagsAll") or {}), MOTO_CUSTOM_ID_TAG: stable_api_id(api_name)},
        )
        account = provider.client("sts").get_caller_identity()["Account"]
        return api["id"], {
            **inputs,
            "rootResourceId": api["rootResourceId"],
            "executionArn": f"arn:aws:execute-api:{provider.region}:{account}:{api['id']}",
            "arn": f"arn:aws:apigateway:{provider.region}::/restapis/{api['id']}",
        }

    def resource(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        created = client().create_resource(
            restApiId=inputs["restApi"], parentId=inputs["parentId"], pathPart=inputs["pathPart"]
        )
        return created["id"], {**inputs, "path": created["path"]}

    def model(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        created = client().create_model(
            restApiId=inputs["restApi"],
            name=inputs["name"],
            schema=inputs["schema"],
            contentType=inputs["contentType"],
            description=inputs.get("description", ""),
        )
        return created["id"], inputs

    def request_validator(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        created = client().create_request_validator(
            restApiId=inputs["restApi"],
            name=inputs.get("name") or name,
            validateRequestBody=bool(inputs.get("validateRequestBody")),
            validateRequestParameters=bool(inputs.get("validateRequestParameters")),
        )
        return created["id"], inputs

    def authorizer(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        created = client().create_authorizer(
            restApiId=inputs["restApi"],
            name=inputs.get("name") or name,
            type=inputs["type"],
            providerARNs=list(inputs.get("providerArns") or []),
            identitySource=inputs.get("identitySource", "method.request.header.Authorization"),
        )
        return created["id"], inputs

    def method(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        request: dict[str, Any] = {
            "restApiId": inputs["restApi"],
            "resourceId": inputs["resourceId"],
            "httpMethod": inputs["httpMethod"],
            "authorizationType": inputs["authorization"],
        }
        for key, field in (
            ("authorizerId", "authorizerId"),
            ("requestValidatorId", "requestValidatorId"),
            ("requestModels", "requestModels"),
            ("requestParameters", "requestParameters"),
        ):
            if inputs.get(key):
                request[field] = inputs[key]
        client().put_method(**request)
        return _route_id(inputs), inputs

    def integration(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        request: dict[str, Any] = {
            "restApiId": inputs["restApi"],
            "resourceId": inputs["resourceId"],
            "httpMethod": inputs["httpMethod"],
            "type": inputs["type"],
        }
        for key in ("integrationHttpMethod", "uri", "credentials", "requestTemplates", "passthroughBehavior"):
            if inputs.get(key):
                request[key] = inputs[key]
        client().put_integration(**request)
        return _route_id(inputs), inputs

    def method_response(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        client().put_method_response(
            restApiId=inputs["restApi"],
            resourceId=inputs["resourceId"],
            httpMethod=inputs["httpMethod"],
            statusCode=inputs["statusCode"],
            responseParameters=dict(inputs.get("responseParameters") or {}),
        )
        return f"{_route_id(inputs)}-{inputs['statusCode']}", inputs

    def integration_response(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        request: dict[str, Any] = {
            "restApiId": inputs["restApi"],
            "resourceId": inputs["resourceId"],
            "httpMethod": inputs["httpMethod"],
            "statusCode": inputs["statusCode"],
            "responseTemplates": dict(inputs.get("responseTemplates") or {}),
            "responseParameters": dict(inputs.get("responseParameters") or {}),
        }
        if inputs.get("selectionPattern"):
            request["selectionPattern"] = inputs["selectionPattern"]
        client().put_integration_response(**request)
        return f"{_route_id(inputs)}-{inputs['statusCode']}", inputs

    def gateway_response(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        client().put_gateway_response(
            restApiId=inputs["restApiId"],
            responseType=inputs["responseType"],
            statusCode=inputs["statusCode"],
            responseTemplates=dict(inputs.get("responseTemplates") or {}),
            responseParameters=dict(inputs.get("responseParameters") or {}),
        )
        return f"{inputs['restApiId']}-{inputs['responseType']}", inputs

    def deployment(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        created = client().create_deployment(restApiId=inputs["restApi"], description=inputs.get("description", ""))
        return created["id"], inputs

    def stage(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        api_id, stage_name = inputs["restApi"], inputs["stageName"]
        client().create_stage(
            restApiId=api_id,
            stageName=stage_name,
            deploymentId=inputs["deployment"],
            tracingEnabled=bool(inputs.get("xrayTracingEnabled")),
        )
        logs = inputs.get("accessLogSettings") or {}
        if logs:
            client().update_stage(
                restApiId=api_id,
                stageName=stage_name,
                patchOperations=[
                    {"op": "replace", "path": f"/accessLogSettings/{key}", "value": logs[key]}
                    for key in ("destinationArn", "format")
                    if logs.get(key)
                ],
            )
        return f"ags-{api_id}-{stage_name}", {
            **inputs,
            "invokeUrl": invoke_url(provider.endpoint_url, api_id, stage_name),
            "executionArn": f"arn:aws:execute-api:{provider.region}::{api_id}/{stage_name}",
        }

    def method_settings(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        settings = inputs.get("settings") or {}
        paths = {"throttlingRateLimit": "throttling/rateLimit", "throttlingBurstLimit": "throttling/burstLimit",
                 "metricsEnabled": "metrics/enabled"}
        operations = [
            {"op": "replace", "path": f"/{inputs['methodPath']}/{path}", "value": _setting_text(settings[key])}
            for key, path in paths.items()
            if key in settings
        ]
        client().update_stage(restApiId=inputs["restApi"], stageName=inputs["stageName"], patchOperations=operations)
        return f"{inputs['restApi']}-{inputs['stageName']}-{inputs['methodPath']}", inputs

    def account(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        client().update_account(
            patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": inputs["cloudwatchRoleArn"]}]
        )
        return "api-gateway-account", inputs

    return {
        "aws:apigateway/restApi:RestApi": rest_api,
        "aws:apigateway/resource:Resource": resource,
        "aws:apigateway/model:Model": model,
        "aws:apigateway/requestValidator:RequestValidator": request_validator,
        "aws:apigateway/authorizer:Authorizer": authorizer,
        "aws:apigateway/method:Method": method,
        "aws:apigateway/integration:Integration": integration,
        "aws:apigateway/methodResponse:MethodResponse": method_response,
        "aws:apigateway/integrationResponse:IntegrationResponse": integration_response,
        "aws:apigateway/response:Response": gateway_response,
        "aws:apigateway/deployment:Deployment": deployment,
        "aws:apigateway/stage:Stage": stage,
        "aws:apigateway/methodSettings:MethodSettings": method_settings,
        "aws:apigateway/account:Account": account,
    }


def _route_id(inputs: Outputs) -> str:
    return f"agm-{inputs['restApi']}-{inputs['resourceId']}-{inputs['httpMethod']}"


def _setting_text(value: Any) -> str:
    """A stage setting as UpdateStage wants it: numbers arrive as floats (100.0 -> "100"), booleans lowercase."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first(values: Any) -> str:
    if isinstance(values, list):
        return str(values[0]) if values else "EDGE"
    return str(values or "EDGE")
