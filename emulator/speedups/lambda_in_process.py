"""The interpreter's Lambda Invoke calls, answered in this process instead of over HTTP to our own server
(speed-up sfn-lambda-in-process).

moto's Step Functions interpreter runs inside the emulator and calls Lambda with a boto3 client aimed at the
emulator's own port. Each Task therefore cost a full HTTP round trip through the server and Flask, on the
emulator's single interpreter lock, only to arrive back in the same process. The client built here answers
in-process, in two tiers:

- A plain synchronous Invoke (FunctionName, Payload, optionally LogType: every Lambda task of this project)
  calls moto's Lambda model directly, as moto's ``LambdaResponse.invoke`` does
  (``get_function(name, None).invoke(body, headers, response_headers)``), and returns what botocore
  would have parsed from that answer: StatusCode 200, FunctionError, LogResult (only for LogType=Tail) and
  the Payload stream. When moto answers with an error instead (a throttle, an unknown function), the error
  is rendered as moto's server renders it and handed to botocore to parse, so the exception raised is the
  very one an HTTP call would raise (same class, code, message and fields).
- Anything else (a Qualifier, Event or DryRun invocations, client context, other operations) goes through the
  boto3 client, whose ``before-send`` hook hands the signed request to moto's ``LambdaResponse.dispatch``
  as moto's Flask adapter would (``moto.core.utils.convert_to_flask_response``): the mechanism of moto's own
  in-process mode. Only the transport is skipped.

tests/emulator/speedups/test_lambda_in_process.py checks both tiers against the HTTP path (the emulator with this
speed-up left out: ``EMULATOR_SPEEDUPS_OFF=sfn-lambda-in-process``). Direct invokes are metered like any other
request.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from moto.awslambda.models import LambdaBackend, LambdaFunction, lambda_backends
from moto.awslambda.responses import LambdaResponse
from moto.core import request as moto_request
from moto.core.botocore_stubber import MockRawResponse
from moto.core.exceptions import HTTPException
from moto.core.models import botocore_stubber
from moto.core.request import normalize_request
from moto.moto_api import recorder
from moto.utilities import aws_headers
from moto.utilities.aws_headers import gen_amzn_requestid_long

from emulator.metering.requests import meter
from emulator.moto_seams import Kind, MotoExtension, Signature
from emulator.speedups.service_clients import ClientFactory, replace_in_interpreter

# botocore's event for the Invoke operation of a Lambda client (service id "Lambda", hyphenized).
INVOKE_EVENT = "before-send.lambda.Invoke"
# The access key moto's interpreter signs with; moto maps it to an account as its server does.
INTERPRETER_ACCESS_KEY = "ak"
# Qualifier is left to the second tier: moto's server ignores it for Invoke (it reads "qualifier"), and the
# direct tier must answer exactly what the server answers.
_DIRECT_PARAMETERS = frozenset({"FunctionName", "Payload", "LogType"})
# What LambdaResponse.invoke answers instead of a payload larger than Lambda's response limit.
_MAX_PAYLOAD_SIZE = 6_000_000
_TOO_LARGE = (
    b'{"errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",'
    b' "errorType": "Function.ResponseSizeTooLarge"}'
)

_prepared = threading.local()  # an answer already computed for this thread's next Invoke through botocore


class InProcessLambdaClient:
    """A boto3 Lambda client whose Invoke is answered in this process (see the module docstring)."""

    def __init__(self, client: Any) -> None:
        client.meta.events.register(INVOKE_EVENT, _answer_invoke)
        self._client = client
        self._region = client.meta.region_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def invoke(self, **parameters: Any) -> dict[str, Any]:
        if set(parameters) - _DIRECT_PARAMETERS:
            return dict(self._client.invoke(**parameters))
        function_name = parameters["FunctionName"]
        log_type = parameters.get("LogType")
        request_headers = {"x-amz-log-type": log_type} if log_type else {}
        response_headers: dict[str, Any] = {}
        try:
            function = _backend(self._region).get_function(function_name, None)
            payload = function.invoke(_text(parameters.get("Payload")), request_headers, response_headers)
        except HTTPException as error:
            meter.count_request("lambda", "Invoke")
            return self._parsed_by_botocore(parameters, _rendered(error))  # raises the error's ClientError
        meter.count_request("lambda", "Invoke")
        return _invocation_response(payload, response_headers, log_type)

    def _parsed_by_botocore(self, parameters: dict[str, Any], answer: tuple[int, dict[str, Any], Any]) -> Any:
        _prepared.answer = answer
        try:
            return self._client.invoke(**parameters)
        finally:
            _prepared.answer = None


def _invocation_response(payload: Any, response_headers: dict[str, Any], log_type: str | None) -> dict[str, Any]:
    """What botocore parses from LambdaResponse.invoke's 200 answer."""
    body = payload.encode() if isinstance(payload, str) else bytes(payload)
    if sys.getsizeof(body) > _MAX_PAYLOAD_SIZE:  # LambdaResponse.invoke's test, byte for byte
        body, response_headers["x-amz-function-error"] = _TOO_LARGE, "Unhandled"
    request_id = gen_amzn_requestid_long()
    response: dict[str, Any] = {
        "ResponseMetadata": {
            "RequestId": request_id,
            "HTTPStatusCode": 200,
            "HTTPHeaders": {"content-type": "application/json", "x-amzn-requestid": request_id},
            "RetryAttempts": 0,
        },
        "StatusCode": 200,
    }
    if "x-amz-function-error" in response_headers:
        response["FunctionError"] = response_headers["x-amz-function-error"]
    if log_type == "Tail" and "x-amz-log-result" in response_headers:
        response["LogResult"] = response_headers["x-amz-log-result"]
    response["Payload"] = StreamingBody(io.BytesIO(body), len(body))
    return response


def _rendered(error: HTTPException) -> tuple[int, dict[str, Any], Any]:
    """An error as moto's BaseResponse.call_action renders it: its headers and status, a request id."""
    headers: dict[str, Any] = dict(error.get_headers() or [])
    headers["status"] = str(error.code)
    gen_amzn_requestid_long(headers)
    return int(error.code or 500), headers, error.description


def _answer_invoke(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
    """The ``before-send`` handler: a prepared answer, or what moto's server would answer to this request."""
    answer = getattr(_prepared, "answer", None)
    if answer is not None:
        _prepared.answer = None
        status, headers, body = answer
    else:
        status, headers, body = _dispatch(request)
    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def _dispatch(request: AWSPreparedRequest) -> tuple[int, dict[str, Any], Any]:
    normalized = normalize_request(request)
    try:
        recorder._record_request(normalized)
        status, headers, body = LambdaResponse.dispatch(normalized, normalized.raw_url, dict(normalized.headers))
    except ClientError as error:  # as convert_to_flask_response answers it
        return 400, {}, error.response["Error"]["Message"]
    except HTTPException as error:  # as Flask renders it
        return int(error.code or 500), dict(error.get_headers()), error.get_body()
    return int(status), dict(headers), body


def _backend(region: str) -> Any:
    # The account moto's server would pick for the interpreter's requests (BaseResponse.get_current_account).
    from moto.iam.models import get_account_id_from

    account_id = os.environ.get("MOTO_ACCOUNT_ID") or get_account_id_from(INTERPRETER_ACCESS_KEY)
    return lambda_backends[account_id][region]


def _text(payload: Any) -> str:
    if payload is None:
        return ""
    if isinstance(payload, bytes | bytearray):
        return bytes(payload).decode("utf-8")
    if hasattr(payload, "read"):
        return _text(payload.read())
    return str(payload)


def _answering_in_process(make_client: ClientFactory) -> ClientFactory:
    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        client = make_client(region, service, state_credentials)
        if service != "lambda" or botocore_stubber.enabled:  # mock_aws in-process: moto's own path
            return client
        # One wrapper per client (a client reused by sfn-boto-clients keeps its wrapper and its one event hook).
        wrapper = getattr(client, "_emulator_in_process", None)
        if wrapper is None:
            wrapper = InProcessLambdaClient(client)
            client._emulator_in_process = wrapper
        return wrapper

    return boto_client_for


EXTENSION = MotoExtension(
    name="sfn-lambda-in-process",
    kind=Kind.SPEED_UP,
    purpose="the interpreter's Lambda Invoke is answered in this process, not over HTTP back to the emulator",
    module=__name__,
    seams=(
        Signature(LambdaResponse, "_dispatch", ("self", "request", "full_url", "headers")),
        Signature(LambdaBackend, "get_function", ("self", "function_name_or_arn", "qualifier")),
        Signature(LambdaFunction, "invoke", ("self", "body", "request_headers", "response_headers")),
        Signature(aws_headers, "gen_amzn_requestid_long", ("headerdict",)),
        Signature(moto_request, "normalize_request", ("request",)),
        Signature(MockRawResponse, "__init__", ("self", "response_input")),
    ),
    install=lambda: replace_in_interpreter(_answering_in_process),
)
