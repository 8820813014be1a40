"""Every place the emulator reaches into moto's internals, and the check that they are still there.

moto is pinned (requirements-dev.txt) because of this module. Each extension names the moto internal it
relies on; ``check_moto_compatibility()`` verifies all of them (version, attributes, signatures) and fails
with the full list of what moved, so a moto upgrade breaks here, loudly, instead of deep inside a test.
The behaviour lives in small modules (lambda_invocation, sfn_*); this module only wires it in.

Extensions (installed by ``install()``, process-wide, idempotent):
  lambda-invoke        LambdaFunction._invoke_lambda(self, event) -> (body, errored, logs): moto runs Docker
                       here; we run the function in our worker runtime (lambda_invocation.run_in_runtime).
  lambda-invoke-type   LambdaFunction.invoke(self, body, request_headers, response_headers): Event runs in the
                       background (202 at once), DryRun runs nothing, errors say "Unhandled" like AWS.
  lambda-public-layers LambdaFunction._get_layers_data(self, layers_versions_arns): moto rejects layer ARNs it
                       did not publish; public layers of other accounts (Powertools) are provided by this Python
                       environment (lambda_layers.layers_data).
  sfn-start-execution  StepFunctionsParserBackend.start_execution(self, state_machine_arn, name,
                       execution_input, trace_header): UUID names, Express executions (sfn_start_execution).
  sfn-execution-logs   moto.stepfunctions.parser.models.Execution, the class that start_execution builds with
                       keyword arguments and cloud_watch_logging_session=None: replaced by a subclass that
                       attaches our CloudWatch session (sfn_execution_logging) when the machine logs.
  sfn-start-sync       StepFunctionResponse.start_sync_execution: absent in moto (404 "Not yet implemented");
                       moto dispatches JSON actions to the response method of the same snake_case name.
  sfn-boto-clients     moto.stepfunctions.parser.asl.utils.boto_client.boto_client_for(region, service,
                       state_credentials), imported by name into each module that calls services (Lambda tasks in
                       lambda_eval_utils, DynamoDB/SQS/SNS/... integrations): every such module's reference is
                       replaced by a caching wrapper (sfn_service_clients); moto builds a client per Task.
  moto-module-list     moto.backends.list_of_moto_modules(): moto's request routing lists and stats its package
                       directory on every request; the directory does not change while we run, so it is cached.
  sfn-error-codes      The exception classes of moto.stepfunctions.parser.api (InvalidDefinition,
                       InvalidExecutionInput, ...) name their error in ``code``, but their base, moto's AWSError,
                       reads ``TYPE``: clients get an empty error code. We copy ``code`` into ``TYPE``.
Also relied on, not patched: CloudWatchLoggingSession / CloudWatchLoggingConfiguration (subclassed and used
by sfn_execution_logging), SyncExecution.to_start_sync_execution_output, LogsBackend.ensure_log_group /
ensure_log_stream / put_log_events (log_sink), and settings.moto_server_port(): moto's Step Functions
interpreter calls other services at http://localhost:$MOTO_PORT (the server sets MOTO_PORT).
"""

from __future__ import annotations

import inspect
import re
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import moto
from moto import backends as moto_backends
from moto import settings
from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import AWSError
from moto.logs.models import LogsBackend
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser import api as sfn_parser_api
from moto.stepfunctions.parser import models as sfn_parser_models
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils as sfn_lambda_eval_utils
from moto.stepfunctions.parser.asl.eval.event.logging import (
    CloudWatchLoggingConfiguration,
    CloudWatchLoggingSession,
)
from moto.stepfunctions.parser.asl.parse import asl_parser  # noqa: F401 - loads every state's module
from moto.stepfunctions.parser.asl.utils import boto_client as sfn_boto_client
from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution

from emulator import lambda_invocation, lambda_layers, sfn_service_clients, sfn_start_execution

PINNED_MOTO_VERSION = "5.2.5"

_PATCH_MARKER = "__emulator_original__"
_install_lock = threading.Lock()
_installed = False


class MotoCompatibilityError(RuntimeError):
    """The installed moto is not the one whose internals the emulator extends."""


def install() -> None:
    """Checks compatibility, then installs every extension. Safe to call more than once."""
    global _installed
    with _install_lock:
        if _installed:
            return
        check_moto_compatibility()
        _patch(LambdaFunction, "_invoke_lambda", lambda original: _invoke_lambda_in_runtime)
        _patch(LambdaFunction, "invoke", _invoke_honouring_type)
        _patch(LambdaFunction, "_get_layers_data", _public_layers)
        _patch(sfn_parser_models.StepFunctionsParserBackend, "start_execution", _start_execution)
        sfn_parser_models.Execution = sfn_start_execution.LoggedExecution  # type: ignore[misc,assignment]
        sfn_responses.StepFunctionResponse.start_sync_execution = (  # type: ignore[attr-defined]
            sfn_start_execution.start_sync_execution_action
        )
        caching_boto_client_for = sfn_service_clients.cached_boto_client_for(sfn_boto_client.boto_client_for)
        setattr(caching_boto_client_for, _PATCH_MARKER, sfn_boto_client.boto_client_for)
        for module in _modules_calling_services():
            module.boto_client_for = caching_boto_client_for  # type: ignore[attr-defined]
        module_list = tuple(moto_backends.list_of_moto_modules())
        moto_backends.list_of_moto_modules = lambda: module_list
        for error_class in _parser_error_classes():
            error_class.TYPE = error_class.code  # type: ignore[assignment]
            error_class.STATUS = error_class.status_code  # type: ignore[attr-defined]
        _installed = True


def check_moto_compatibility() -> None:
    problems: list[str] = []
    if moto.__version__ != PINNED_MOTO_VERSION:
        problems.append(f"moto {moto.__version__} is installed; the emulator extends moto {PINNED_MOTO_VERSION}")
    for owner, name, parameters in _EXPECTED_SIGNATURES:
        problems.extend(_signature_problems(owner, name, parameters))
    for owner, method, attributes in _EXPECTED_ATTRIBUTES_SET:
        problems.extend(_attribute_problems(owner, method, attributes))
    if getattr(sfn_responses.StepFunctionResponse, "start_sync_execution", None) not in (
        None,
        sfn_start_execution.start_sync_execution_action,
    ):
        problems.append("StepFunctionResponse.start_sync_execution exists in moto now: review sfn-start-sync")
    parser_execution = getattr(sfn_parser_models, "Execution", None)
    if parser_execution not in (Execution, sfn_start_execution.LoggedExecution):
        problems.append("moto.stepfunctions.parser.models.Execution is no longer the parser's Execution class")
    if sfn_lambda_eval_utils not in _modules_calling_services():
        problems.append("lambda_eval_utils no longer calls boto_client_for: review sfn-boto-clients")
    if not _parser_error_classes():
        problems.append("moto.stepfunctions.parser.api has no AWSError classes named by `code`: review sfn-error-codes")
    if problems:
        raise MotoCompatibilityError(
            "moto internals the emulator relies on have changed (see emulator/moto_extensions.py):\n  - "
            + "\n  - ".join(problems)
        )


# (owner, attribute, parameter names) of every moto callable the extensions replace, call or subclass.
_EXPECTED_SIGNATURES: list[tuple[Any, str, list[str]]] = [
    (LambdaFunction, "_invoke_lambda", ["self", "event"]),
    (LambdaFunction, "invoke", ["self", "body", "request_headers", "response_headers"]),
    (LambdaFunction, "_get_layers_data", ["self", "layers_versions_arns"]),
    (
        sfn_parser_models.StepFunctionsParserBackend,
        "start_execution",
        ["self", "state_machine_arn", "name", "execution_input", "trace_header"],
    ),
    (
        Execution,
        "__init__",
        [
            "self", "name", "sm_type", "role_arn", "exec_arn", "account_id", "region_name", "state_machine",
            "start_date", "cloud_watch_logging_session", "activity_store", "input_data", "trace_header",
        ],
    ),
    (Execution, "start", ["self"]),
    (SyncExecution, "to_start_sync_execution_output", ["self"]),
    (CloudWatchLoggingSession, "__init__", ["self", "execution_arn", "configuration"]),
    (CloudWatchLoggingSession, "publish_history_log", ["self", "history_log"]),
    (CloudWatchLoggingConfiguration, "from_logging_configuration", ["state_machine_arn", "logging_configuration"]),
    (LogsBackend, "ensure_log_group", ["self", "log_group_name"]),
    (LogsBackend, "ensure_log_stream", ["self", "log_group_name", "log_stream_name"]),
    (LogsBackend, "put_log_events", ["self", "log_group_name", "log_stream_name", "log_events"]),
    (settings, "moto_server_port", []),
    (sfn_boto_client, "boto_client_for", ["region", "service", "state_credentials"]),
    (moto_backends, "list_of_moto_modules", []),
]

# (owner, method, attributes it sets on self) for the LambdaFunction state that lambda_invocation reads.
_EXPECTED_ATTRIBUTES_SET: list[tuple[Any, str, list[str]]] = [
    (
        LambdaFunction,
        "__init__",
        ["function_name", "handler", "run_time", "environment_vars", "timeout", "memory_size", "region",
         "account_id", "function_arn", "version"],
    ),
    (LambdaFunction, "_set_function_code", ["code_bytes", "code_digest"]),
]


def _modules_calling_services() -> list[ModuleType]:
    """The interpreter's modules that imported moto's ``boto_client_for`` by name (loaded with the parser)."""
    return [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("moto.stepfunctions.parser.")
        and module is not sfn_boto_client
        and _unpatched(getattr(module, "boto_client_for", None)) is sfn_boto_client.boto_client_for
    ]


def _parser_error_classes() -> list[type[AWSError]]:
    return [
        member
        for member in vars(sfn_parser_api).values()
        if isinstance(member, type)
        and issubclass(member, AWSError)
        and isinstance(getattr(member, "code", None), str)
        and isinstance(getattr(member, "status_code", None), int)
    ]


def _signature_problems(owner: Any, name: str, parameters: list[str]) -> list[str]:
    label = f"{getattr(owner, '__name__', owner)}.{name}"
    function = _unpatched(getattr(owner, name, None))
    if function is None:
        return [f"{label} is missing"]
    actual = list(inspect.signature(function).parameters)
    if actual != parameters:
        return [f"{label} takes {actual}, expected {parameters}"]
    return []


def _attribute_problems(owner: Any, method: str, attributes: list[str]) -> list[str]:
    label = f"{owner.__name__}.{method}"
    function = getattr(owner, method, None)
    if function is None:
        return [f"{label} is missing"]
    source = inspect.getsource(function)
    return [f"{label} no longer sets self.{name}" for name in attributes if not _assigns(source, name)]


def _assigns(source: str, attribute: str) -> bool:
    # "self.x = ...", "self.x: T = ..." or a tuple-unpacking target "self.x,".
    return re.search(rf"self\.{attribute}\s*(:[^=\n]+)?=[^=]|self\.{attribute},", source) is not None


def _unpatched(function: Any) -> Any:
    return getattr(function, _PATCH_MARKER, function)


def _patch(owner: Any, name: str, make_replacement: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(owner, name)
    replacement = make_replacement(original)
    setattr(replacement, _PATCH_MARKER, original)
    setattr(owner, name, replacement)


def _invoke_lambda_in_runtime(self: Any, event: Any = None) -> tuple[str, bool, str]:
    return lambda_invocation.run_in_runtime(self, event)


def _invoke_honouring_type(original: Callable[..., Any]) -> Callable[..., Any]:
    def invoke(self: Any, body: Any, request_headers: Any, response_headers: dict[str, Any]) -> Any:
        return lambda_invocation.invoke_honouring_type(original, self, body, request_headers, response_headers)

    return invoke


def _public_layers(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_layers_data(self: Any, layers_versions_arns: list[str]) -> list[dict[str, Any]]:
        return lambda_layers.layers_data(original, self, layers_versions_arns)

    return get_layers_data


def _start_execution(original: Callable[..., Any]) -> Callable[..., Any]:
    def start_execution(
        self: Any,
        state_machine_arn: str,
        name: str | None = None,
        execution_input: str | None = None,
        trace_header: str | None = None,
    ) -> Any:
        return sfn_start_execution.start_execution(
            original, self, state_machine_arn, name, execution_input, trace_header
        )

    return start_execution
