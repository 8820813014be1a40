"""execute-api on the emulator's port (extension execute-api): the REST APIs moto's apigateway backend holds, served
at ``/_aws/execute-api/<api id>/<stage>/<path>`` (LocalStack's path-style URL).

A request goes through what API Gateway does, in its order: route (resource and method; none: 403 Missing
Authentication Token, as API Gateway answers), authorization (AWS_IAM: a SigV4 Authorization header; Cognito user
pools: an Authorization header; presence only, signatures and tokens are not verified), request validation (the body
against the method's JSON Schema model), the request mapping template, the integration (Step Functions, MOCK), the
integration response picked by its selection pattern (matched against the integration's status code), its response
mapping template (with `$context.responseOverride`), then a JSON access log line into the stage's log group.
Gateway responses (the API's own, else API Gateway's defaults) answer the failures before the integration.
Not reproduced: throttling, signature and token verification, deployment snapshots (a stage serves the API's
current configuration), request parameter mappings, caching, binary media.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import jsonschema
from moto.apigateway import models as apigateway_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.wrappers import Request, Response

from emulator.apigateway import integrations, routes
from emulator.apigateway.velocity import render
from emulator.log_sink import CloudWatchLogSink, LogEvent
from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, around

PATH_PREFIX = "/_aws/execute-api/"
JSON = "application/json"
# API Gateway's own answers when the API defines none (status, body).
DEFAULT_GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": (403, '{"message":"Missing Authentication Token"}'),
    "UNAUTHORIZED": (401, '{"message":"Unauthorized"}'),
    "BAD_REQUEST_BODY": (400, '{"message": "Invalid request body"}'),
    "UNSUPPORTED_MEDIA_TYPE": (415, '{"message": "Unsupported Media Type"}'),
    "INTEGRATION_FAILURE": (500, '{"message": "Internal server error"}'),
}
SIGV4 = re.compile(r"^AWS4-HMAC-SHA256 Credential=\S+/\d{8}/[a-z0-9-]+/execute-api/aws4_request, ")
_log_sink = CloudWatchLogSink()


class _Exchange:
    """One request and what is known about it: the `$context` its templates and its access log line see."""

    def __init__(self, request: Request, api_id: str, stage: str, path: str) -> None:
        self.request = request
        self.started = time.monotonic()
        self.context: dict[str, Any] = {
            "requestId": str(uuid.uuid4()),
            "apiId": api_id,
            "stage": stage,
            "path": f"/{stage}{path}",
            "resourcePath": "",
            "httpMethod": request.method,
            "requestTime": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "identity": {"sourceIp": request.remote_addr or "", "caller": "", "user": "", "userAgent": ""},
            "error": {"message": "", "validationErrorString": ""},
            "integration": {"status": "", "latency": ""},
            "status": "",
            "responseLength": "",
            "responseLatency": "",
        }


def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    request = Request(environ)
    api_id, _, rest = request.path[len(PATH_PREFIX):].partition("/")
    stage_name, _, path = rest.partition("/")
    exchange = _Exchange(request, api_id, stage_name, "/" + path)
    found = routes.find_api(api_id)
    if found is None or stage_name not in found[0].stages:
        message = {"message": f"the emulator has no API {api_id!r} with a stage {stage_name!r}"}
        return Response(json.dumps(message), 404, content_type=JSON)(environ, start_response)
    api, region = found
    response = _serve(exchange, api, "/" + path)
    _write_access_log(exchange, api, region, stage_name, response)
    return response(environ, start_response)


def _serve(exchange: _Exchange, api: Any, path: str) -> Response:
    request = exchange.request
    route = routes.match_route(api, path)
    methods = route.resource.resource_methods if route else {}
    method = methods.get(request.method) or methods.get("ANY")
    if route is None or method is None:
        return _gateway_response(exchange, api, "MISSING_AUTHENTICATION_TOKEN")
    exchange.context["resourcePath"] = route.resource_path
    authorization = request.headers.get("Authorization", "")
    if method.authorization_type == "AWS_IAM":
        if not SIGV4.match(authorization):
            return _gateway_response(exchange, api, "MISSING_AUTHENTICATION_TOKEN")
        exchange.context["identity"]["caller"] = authorization.split("Credential=", 1)[1].split("/", 1)[0]
    elif method.authorization_type == "COGNITO_USER_POOLS" and not authorization.strip():
        return _gateway_response(exchange, api, "UNAUTHORIZED")
    content_type = (request.mimetype or JSON).lower()
    body = request.get_data(as_text=True)
    invalid = _invalid_body(api, method, content_type, body)
    if invalid is not None:
        exchange.context["error"]["validationErrorString"] = invalid
        return _gateway_response(exchange, api, "BAD_REQUEST_BODY")
    integration = method.method_integration
    params = {
        "path": route.path_parameters,
        "querystring": dict(request.args.items()),
        "header": dict(request.headers.items()),
    }
    template = (integration.request_templates or {}).get(content_type)
    if template is None and integration.passthrough_behaviour == "NEVER":
        return _gateway_response(exchange, api, "UNSUPPORTED_MEDIA_TYPE")
    integration_body = body if template is None else render(template, body, params, exchange.context).text
    called = time.monotonic()
    if integration.integration_type == "MOCK":
        answer = integrations.call_mock(integration_body)
    elif integration.integration_type == "AWS":
        answer = integrations.call_aws(integration.uri, integration_body)
    else:
        raise integrations.UnsupportedIntegrationError(f"integration type {integration.integration_type}")
    exchange.context["integration"] = {
        "status": str(answer.status),
        "latency": str(int((time.monotonic() - called) * 1000)),
    }
    return _integration_response(exchange, integration, answer, params, api)


def _invalid_body(api: Any, method: Any, content_type: str, body: str) -> str | None:
    validator = api.request_validators.get(method.request_validator_id or "")
    model_name = (method.request_models or {}).get(content_type)
    if validator is None or not validator.validate_request_body or model_name is None:
        return None
    try:
        document = json.loads(body)
    except ValueError as error:
        return f"[the body is not JSON: {error}]"
    schema = json.loads(api.models[model_name].schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        return "[" + ", ".join(_describe(error) for error in errors) + "]"
    return None


def _describe(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(part) for part in error.path)
    return f"{where}: {error.message}" if where else error.message


def _integration_response(
    exchange: _Exchange, integration: Any, answer: integrations.IntegrationAnswer, params: Any, api: Any
) -> Response:
    answers = list((integration.integration_responses or {}).values())
    chosen = next(
        (a for a in answers if a.selection_pattern and re.fullmatch(a.selection_pattern, str(answer.status))),
        None,
    ) or next((a for a in answers if not a.selection_pattern), None)
    if chosen is None:
        return _gateway_response(exchange, api, "INTEGRATION_FAILURE")
    template = (chosen.response_templates or {}).get(JSON)
    rendered = render(template, answer.body, params, exchange.context) if template is not None else None
    status = (rendered.status_override if rendered else None) or int(chosen.status_code)
    headers = {
        name.removeprefix("method.response.header."): value.strip("'")
        for name, value in (chosen.response_parameters or {}).items()
        if value.startswith("'")  # static values; mappings from the integration's answer are not reproduced
    }
    headers.update(rendered.headers if rendered else {})
    text = rendered.text if rendered else answer.body
    return Response(text, status, headers=headers, content_type=JSON)


def _gateway_response(exchange: _Exchange, api: Any, response_type: str) -> Response:
    default_status, default_body = DEFAULT_GATEWAY_RESPONSES[response_type]
    custom = api.gateway_responses.get(response_type)
    exchange.context["error"]["message"] = json.loads(default_body)["message"]
    if custom is None:
        return Response(default_body, default_status, content_type=JSON)
    template = (custom.response_templates or {}).get(JSON)
    text = render(template, "", {}, exchange.context).text if template is not None else default_body
    return Response(text, int(custom.status_code or default_status), content_type=JSON)


def _write_access_log(exchange: _Exchange, api: Any, region: str, stage_name: str, response: Response) -> None:
    settings = api.stages[stage_name].access_log_settings or {}
    destination, line_format = settings.get("destinationArn"), settings.get("format")
    if not destination or not line_format:
        return
    context = exchange.context
    context["status"] = str(response.status_code)
    context["responseLength"] = str(len(response.get_data()))
    context["responseLatency"] = str(int((time.monotonic() - exchange.started) * 1000))
    line = re.sub(r"\$context\.([A-Za-z.]+)", lambda m: _lookup(context, m.group(1)), line_format)
    account_id, group = destination.split(":")[4], destination.split(":log-group:", 1)[1].removesuffix(":*")
    event = LogEvent(int(time.time() * 1000), line)
    # As on AWS, nothing is written if the group does not exist.
    _log_sink.write(account_id, region, group, f"{api.id}-{stage_name}", [event], create_group=False)


def _lookup(context: dict[str, Any], dotted: str) -> str:
    value: Any = context
    for key in dotted.split("."):
        value = value.get(key, "") if isinstance(value, dict) else ""
    return "-" if value in ("", None) else str(value).replace('"', '\\"')


def is_execute_api_request(environ: dict[str, Any]) -> bool:
    return str(environ.get("PATH_INFO", "")).startswith(PATH_PREFIX)


def application_for(get_application: Callable[..., Any], dispatcher: Any, environ: dict[str, Any]) -> Any:
    return handle if is_execute_api_request(environ) else get_application(dispatcher, environ)


EXTENSION = MotoExtension(
    name="execute-api",
    kind=Kind.FIDELITY,
    purpose="REST APIs created on moto are served under /_aws/execute-api/ (routes, auth presence, validation, "
    "mapping templates, Step Functions and MOCK integrations, access logs)",
    module=__name__,
    seams=(
        Signature(DomainDispatcherApplication, "get_application", ("self", "environ")),
        SetsAttributes(apigateway_models.APIGatewayBackend, "__init__", ("apis",)),
        SetsAttributes(
            apigateway_models.RestAPI,
            "__init__",
            ("stages", "resources", "models", "request_validators", "gateway_responses"),
        ),
        SetsAttributes(apigateway_models.Resource, "__init__", ("path_part", "parent_id", "resource_methods")),
        SetsAttributes(
            apigateway_models.Method,
            "__init__",
            ("authorization_type", "request_models", "method_integration", "request_validator_id"),
        ),
        SetsAttributes(
            apigateway_models.Integration,
            "__init__",
            ("integration_type", "uri", "request_templates", "passthrough_behaviour", "integration_responses"),
        ),
        SetsAttributes(
            apigateway_models.IntegrationResponse,
            "__init__",
            ("status_code", "selection_pattern", "response_templates", "response_parameters"),
        ),
        SetsAttributes(apigateway_models.Stage, "__init__", ("access_log_settings",)),
        SetsAttributes(apigateway_models.Model, "__init__", ("schema",)),
        SetsAttributes(apigateway_models.GatewayResponse, "__init__", ("status_code", "response_templates")),
    ),
    install=lambda: around(DomainDispatcherApplication, "get_application", application_for),
)
