"""How moto's Lambda model hands invocations to our runtime (extensions lambda-invoke and lambda-invoke-type).

moto keeps a function's code and configuration on its ``LambdaFunction`` model; every Invoke (API,
Step Functions task, event source) ends in ``LambdaFunction._invoke_lambda``, where moto would run Docker: we
run the function in our worker runtime (``run_in_runtime``); an invocation the runtime refuses at the API (a
throttle) becomes moto's AWSError, which moto's server answers as AWS would. ``invoke_honouring_type`` wraps
``LambdaFunction.invoke`` for what moto does not do like AWS: asynchronous ``Event`` invocations, ``DryRun``,
and the ``Unhandled`` function-error header.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import AWSError

from emulator.lambda_runtime import error_payloads
from emulator.lambda_runtime.function_spec import FunctionSpec, sorted_environment
from emulator.lambda_runtime.log_format import application_log_level_of, log_format_of
from emulator.lambda_runtime.runtime import LambdaRuntime
from emulator.metering.requests import meter
from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, around, patch

# LogType=Tail returns the last 4 KB of the invocation's log, as on AWS.
_LOG_TAIL_BYTES = 4096
_REPORT_TAIL_BYTES = 512

_lock = threading.Lock()
_runtime: LambdaRuntime | None = None
_event_invoker: ThreadPoolExecutor | None = None


def install_runtime(runtime: LambdaRuntime) -> None:
    global _runtime, _event_invoker
    with _lock:
        _runtime = runtime
        _event_invoker = ThreadPoolExecutor(max_workers=16, thread_name_prefix="lambda-event-invoke")


def current_runtime() -> LambdaRuntime | None:
    return _runtime


def uninstall_runtime() -> None:
    global _runtime, _event_invoker
    with _lock:
        invoker, _event_invoker, _runtime = _event_invoker, None, None
    if invoker is not None:
        invoker.shutdown(wait=False, cancel_futures=True)


def spec_of(function: Any) -> FunctionSpec:
    """A snapshot of a moto ``LambdaFunction`` (attributes as moto 5.2.5 names them)."""
    return FunctionSpec(
        function_name=function.function_name,
        function_arn=function.function_arn,
        version=str(function.version),
        handler=function.handler or "",
        runtime=function.run_time or "python3.13",
        timeout_seconds=float(function.timeout),
        memory_mb=int(function.memory_size),
        environment=sorted_environment(function.environment_vars),
        region=function.region,
        account_id=function.account_id,
        code_sha256=getattr(function, "code_digest", ""),
        code_zip=getattr(function, "code_bytes", b""),
        log_format=log_format_of(function),
        application_log_level=application_log_level_of(function),
    )


def run_in_runtime(function: Any, event: Any = None) -> tuple[str, bool, str]:
    """Replacement for ``LambdaFunction._invoke_lambda``: (response body, errored, log tail)."""
    runtime = _runtime
    if runtime is None:
        return _failure("ServiceException", "No Lambda runtime is running in this emulator")
    spec = spec_of(function)
    if not spec.code_zip:
        return _failure("Runtime.InvalidEntrypoint", "The emulator runs only Zip-packaged functions with code")
    outcome = runtime.invoke(spec, json.dumps({} if event is None else event))
    if outcome.api_error is not None:  # the Invoke call itself fails (throttled): an AWS error response
        error = outcome.api_error
        raise AWSError(error.message, error.code, error.status_code)
    # The REPORT line is the last of the invocation's log: what Lambda bills it for (the cost model's input).
    meter.record_invocation(spec.function_name, spec.memory_mb, outcome.logs[-_REPORT_TAIL_BYTES:], outcome.errored)
    return outcome.payload, outcome.errored, outcome.logs[-_LOG_TAIL_BYTES:]


def invoke_honouring_type(
    original_invoke: Callable[..., Any],
    function: Any,
    body: Any,
    request_headers: Any,
    response_headers: dict[str, Any],
) -> Any:
    """Wraps ``LambdaFunction.invoke(body, request_headers, response_headers)``."""
    if not body:
        body = "{}"  # moto would hand the string "{}" on as the event instead of an empty object
    invocation_type = request_headers.get("x-amz-invocation-type", "RequestResponse")
    if invocation_type == "DryRun":  # AWS only checks permissions and parameters
        return b""
    if invocation_type == "Event":
        invoker = _event_invoker
        if invoker is not None:  # AWS queues the event and answers 202 at once
            invoker.submit(original_invoke, function, body, {}, {})
            return b""
    payload = original_invoke(function, body, request_headers, response_headers)
    if "x-amz-function-error" in response_headers:
        # What Lambda reports for any runtime-caught error; moto says "Handled".
        response_headers["x-amz-function-error"] = "Unhandled"
    return payload


def _failure(error_type: str, message: str) -> tuple[str, bool, str]:
    return json.dumps(error_payloads.error_payload(error_type, message)), True, ""


def _install_invoke() -> None:
    patch(LambdaFunction, "_invoke_lambda", lambda original: run_in_runtime)


EXTENSIONS = (
    MotoExtension(
        name="lambda-invoke",
        kind=Kind.FIDELITY,
        purpose="functions run in our worker runtime instead of Docker; throttles are AWS error responses",
        module=__name__,
        seams=(
            Signature(LambdaFunction, "_invoke_lambda", ("self", "event")),
            SetsAttributes(LambdaFunction, "__init__", (
                "function_name", "handler", "run_time", "environment_vars", "timeout", "memory_size", "region",
                "account_id", "function_arn", "version")),
            SetsAttributes(LambdaFunction, "_set_function_code", ("code_bytes", "code_digest")),
        ),
        install=_install_invoke,
    ),
    MotoExtension(
        name="lambda-invoke-type",
        kind=Kind.FIDELITY,
        purpose="Event invocations run in the background (202), DryRun runs nothing, errors say Unhandled",
        module=__name__,
        seams=(Signature(LambdaFunction, "invoke", ("self", "body", "request_headers", "response_headers")),),
        install=lambda: around(LambdaFunction, "invoke", invoke_honouring_type),
    ),
)
