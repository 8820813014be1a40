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
  lambda-api-errors    An invocation the runtime rejects at the API (fault injection: throttle) raises
                       lambda_invocation.LambdaApiError inside LambdaFunction._invoke_lambda; it becomes moto's
                       AWSError(message, code, status), which moto's server answers as an AWS JSON error response.
  sfn-lambda-api-errors StateTaskLambda._from_error(self, env, ex): Invoke API errors of bare-ARN Lambda tasks are
                       named Lambda.<ErrorCode> as on AWS (sfn_lambda_errors), reusing
                       StateTaskServiceLambda._error_cause_from_client_error(client_error).
  sfn-input-size       Execution input over 256 KiB is refused at StartExecution/StartSyncExecution
                       (sfn_input_quota, called from the sfn-start-execution and sfn-start-sync extensions).
  dynamodb-serialized  DynamoHandler.call_action(self), through which every DynamoDB request passes: run one at a
                       time. moto's DynamoDB has no locking: a conditional write checks then writes, and
                       TransactWriteItems deep-copies whole tables as its rollback point and, when cancelled,
                       puts the copies back, wiping the writes other requests made meanwhile (and the deep copy
                       fails with "dictionary changed size during iteration" under concurrent writes). DynamoDB
                       makes each request atomic; one lock restores that (the GIL serialized the work anyway).
  emulator-api         DomainDispatcherApplication.get_application(self, environ), which picks the Flask app for
                       each request of moto's server: paths under /emulator-api/ go to our control API
                       (fault_api: fault injection policies and counters; workers_api: warm workers on demand).
  sfn-definition-cache AmazonStateLanguageParser.parse(definition) -> (program, parse tree), a staticmethod that
                       every execution calls: the result is cached per definition text and the program shared (its
                       components keep execution state in env.heap under EvalComponent.heap_key, drawn up front).
  sfn-json-path-cache  ``parse`` (jsonpath_ng's, imported by name) in moto's json_path and result_path modules:
                       each call built a new PLY parser; parsed paths are cached per text (sfn_parse_cache).
  sfn-lambda-in-process The interpreter's Lambda client (sfn-boto-clients) answers Invoke in this process
                       (sfn_lambda_in_process): a plain synchronous Invoke calls LambdaBackend.get_function(
                       function_name_or_arn, qualifier).invoke(...) as LambdaResponse.invoke does and returns what
                       botocore parses from that answer; errors (moto's HTTPException, request id from
                       gen_amzn_requestid_long(headerdict)) and other calls go through botocore with a before-send
                       hook, as moto's mock_aws does: LambdaResponse.dispatch on
                       moto.core.request.normalize_request(request), answered with botocore_stubber.MockRawResponse.
  dynamodb-transactions DynamoDBBackend.transact_write_items(self, transact_items): moto deep-copies every table in
                       the transaction as its rollback point (cost grows with the tables); ours keeps a copy of each
                       item it writes (dynamodb_transactions). Relies on Table.items (items[hash] / items[hash][range]).
  moto-method-names    moto.core.responses.method_names_from_class(clazz), imported by name and called by
                       BaseResponse.call_action on every request: cached per class (moto_dispatch_cache).
  dynamodb-item-responses BaseResponse.serialized(self, action_result), inherited by DynamoHandler: the answers of
                       GetItem, PutItem, UpdateItem and DeleteItem (a DynamoResult holding only Item/Attributes
                       and a table's total ConsumedCapacity) are written as JSON directly
                       (dynamodb_item_responses); anything else, and every other action, goes through moto's
                       serializer. Relies on BaseResponse._get_action and response_headers, and on
                       get_service_model("dynamodb").
  sfn-json-responses   BaseResponse.serialized(self, action_result), inherited by StepFunctionResponse: the answers
                       of StartExecution, StartSyncExecution and DescribeExecution (an ActionResult holding a dict
                       of their output members) are written as JSON directly (sfn_json_responses); anything else
                       goes through moto's serializer. Relies on _get_action, response_headers and
                       get_service_model("stepfunctions").
  dynamodb-conditions-once ConditionExpressionParser.parse(self), which moto calls twice per conditional write
                       (request handler, then backend): results kept per (expression, names, values) in an LRU
                       (dynamodb_condition_cache); relies on the parser's condition_expression,
                       expression_attribute_names/_values and expr_attr_names_found/expr_attr_values_found.
  dynamodb-update-parsed-once UpdateExpressionParser.make(expression_str), a classmethod that moto calls in the
                       request handler and again in the backend for every UpdateItem and transactional Update: trees
                       kept per text in an LRU and shared (dynamodb_update_parse_cache). Safe because their readers
                       only read them and Validator.__init__ deep-copies the tree before validating (checked below).
  dynamodb-update-walks DepthFirstTraverser.traverse(self, node), the walk each of the ten update-expression
                       validators makes: the same walk with each processor's class map built once per walk, not
                       twice per node, and each node's class tests answered once per class (dynamodb_ast_traversal).
                       Relies on traverse_node_recursively, nodes_to_be_processed, _processing_map, process,
                       pre_processing_of_child and Node's children/parent, as traverse_node_recursively uses them
                       (checked below). Also Node.find_clauses(self, clause_types), the subtree walk
                       ActionCountValidator makes three times per UpdateExpression node: the same walk with the
                       same class-test cache (dynamodb_ast_traversal.clause_finder; its lines checked below).
  dynamodb-update-tree-copy The module-level ``deepcopy`` (from copy import deepcopy) of moto's update validators
                       (moto.dynamodb.parsing.validators), with which Validator.__init__ copies the tree before
                       every update: replaced by dynamodb_tree_copy's stand-in, which copies a tree of plain
                       nodes directly and hands anything else to copy.deepcopy.
  sfn-program-inline   Program.eval(self, env), which starts a thread for the program and joins it with the
                       machine's TimeoutSeconds: without one, the program runs in the calling thread as that
                       thread would (EvalComponent.eval, Program's base); finished threads are dropped from
                       moto.stepfunctions.parser.utils.TMP_THREADS, which moto only appends to
                       (sfn_program_threads).
  json-protocol-lane   In emulator-api's get_application: a JSON-protocol request (POST / with X-Amz-Target, no
                       Origin) is answered by the view Flask would route it to (a convert_to_flask_response,
                       whose ``callback`` is called as its __call__ does) without Flask's request machinery
                       (json_protocol_lane). Relies on the app's url_map, view_functions, request_class and
                       response_class, moto.core.request.normalize_request and moto_api.recorder._record_request.
  sfn-json-copy        The module-level ``copy`` (import copy) of the interpreter modules that deep-copy state
                       data at every step (eval.states, eval.environment, eval.event.event_manager,
                       execute_state, string_expression, result_path): replaced by sfn_json_copy's stand-in,
                       whose deepcopy copies JSON values directly and hands anything else to copy.deepcopy.
  request-metering     BaseResponse.call_action(self), which every API request reaches (DynamoHandler.call_action
                       calls it inside dynamodb-serialized's lock): counts requests per service and operation, and
                       DynamoDB read/write request units per table (request_metering, using
                       DynamoDBBackend.get_table/get_item, Item.attrs and DynamoType's type/value);
                       lambda-invoke adds each invocation's REPORT Duration/Billed Duration. Served at
                       GET /emulator-api/metering, a blueprint registered on the emulator-api app (metering_api).
The performance extensions (sfn-definition-cache, sfn-json-path-cache, sfn-lambda-in-process,
dynamodb-transactions, moto-method-names, sfn-json-copy, dynamodb-item-responses, sfn-json-responses,
json-protocol-lane, dynamodb-conditions-once, dynamodb-update-parsed-once, dynamodb-update-walks,
dynamodb-update-tree-copy, sfn-program-inline) change no behaviour and can be left out to measure them:
EMULATOR_PERFORMANCE_EXTENSIONS=off (performance.py; python -m bench.ab compares both).
Also relied on, not patched: CloudWatchLoggingSession / CloudWatchLoggingConfiguration (subclassed and used
by sfn_execution_logging), SyncExecution.to_start_sync_execution_output, LogsBackend.ensure_log_group /
ensure_log_stream / put_log_events (log_sink), settings.moto_server_port(): moto's Step Functions
interpreter calls other services at http://localhost:$MOTO_PORT (the server sets MOTO_PORT), and the server's
parts (http_server): DomainDispatcherApplication(create_backend_app) and MotoRequestHandler's make_environ,
and StateMachine.update's update_date (sfn_express keeps a snapshot per machine until it changes).
"""

from __future__ import annotations

import copy
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
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda.responses import LambdaResponse
from moto.core import request as moto_request
from moto.core import responses as moto_core_responses
from moto.core.botocore_stubber import MockRawResponse
from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import convert_to_flask_response, get_service_model
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.dynamo_type import Item as DynamoDBItem
from moto.dynamodb.models.table import Table as DynamoDBTable
from moto.dynamodb.parsing import validators as dynamodb_validators
from moto.dynamodb.parsing.ast_nodes import (  # type: ignore[attr-defined]
    DepthFirstTraverser,
    Expression,
    Node,
    UpdateExpressionFunction,
)
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.validators import Validator
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.logs.models import LogsBackend
from moto.moto_server import werkzeug_app as moto_werkzeug_app
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.models import StateMachine as SfnStateMachine
from moto.stepfunctions.parser import api as sfn_parser_api
from moto.stepfunctions.parser import models as sfn_parser_models
from moto.stepfunctions.parser import utils as sfn_parser_utils
from moto.stepfunctions.parser.asl.component.common.path import result_path as sfn_result_path
from moto.stepfunctions.parser.asl.component.common.string import string_expression as sfn_string_expression
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.component.program.program import Program as SfnProgram
from moto.stepfunctions.parser.asl.component.state.exec import execute_state as sfn_execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils as sfn_lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda import (
    StateTaskServiceLambda,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval import environment as sfn_environment
from moto.stepfunctions.parser.asl.eval import states as sfn_states
from moto.stepfunctions.parser.asl.eval.event import event_manager as sfn_event_manager
from moto.stepfunctions.parser.asl.eval.event.logging import (
    CloudWatchLoggingConfiguration,
    CloudWatchLoggingSession,
)
from moto.stepfunctions.parser.asl.parse import asl_parser  # noqa: F401 - loads every state's module
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import boto_client as sfn_boto_client
from moto.stepfunctions.parser.asl.utils import json_path as sfn_json_path
from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution
from moto.utilities import aws_headers

from emulator import (
    dynamodb_ast_traversal,
    dynamodb_condition_cache,
    dynamodb_item_responses,
    dynamodb_transactions,
    dynamodb_tree_copy,
    dynamodb_update_parse_cache,
    fault_api,
    json_protocol_lane,
    lambda_invocation,
    lambda_layers,
    metering_api,
    moto_dispatch_cache,
    performance,
    request_metering,
    sfn_json_copy,
    sfn_json_responses,
    sfn_lambda_errors,
    sfn_parse_cache,
    sfn_program_threads,
    sfn_service_clients,
    sfn_start_execution,
    workers_api,
)

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
        if performance.enabled("moto-module-list"):
            module_list = tuple(moto_backends.list_of_moto_modules())
            moto_backends.list_of_moto_modules = lambda: module_list
        for error_class in _parser_error_classes():
            error_class.TYPE = error_class.code  # type: ignore[assignment]
            error_class.STATUS = error_class.status_code  # type: ignore[attr-defined]
        _patch(StateTaskLambda, "_from_error", _lambda_task_error)
        _patch(DomainDispatcherApplication, "get_application", _application_with_emulator_api)
        fault_api.app.register_blueprint(workers_api.blueprint)
        _patch(DynamoHandler, "call_action", _one_at_a_time)
        _install_metering()
        if performance.enabled():
            _install_performance_extensions()
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
    problems.extend(
        f"{module.__name__} no longer uses the copy module by name: review sfn-json-copy"
        for module in _SFN_MODULES_COPYING_STATE
        if getattr(module, "copy", None) not in (copy, sfn_json_copy.json_copy_module)
    )
    if _unpatched(getattr(dynamodb_validators, "deepcopy", None)) is not copy.deepcopy:
        problems.append("moto's update validators no longer use deepcopy by name: review dynamodb-update-tree-copy")
    if SfnProgram.__mro__[1] is not EvalComponent:
        problems.append("Program's base class is no longer EvalComponent: review sfn-program-inline")
    if not isinstance(getattr(sfn_parser_utils, "TMP_THREADS", None), list):
        problems.append("moto.stepfunctions.parser.utils.TMP_THREADS is no longer a list: review sfn-program-inline")
    if not _parser_error_classes():
        problems.append("moto.stepfunctions.parser.api has no AWSError classes named by `code`: review sfn-error-codes")
    for owner, method, line in _EXPECTED_SOURCE_LINES:
        if line not in inspect.getsource(_unpatched(getattr(owner, method))):
            problems.append(f"{owner.__name__}.{method} no longer contains `{line}`")
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
    (StateTaskLambda, "_from_error", ["self", "env", "ex"]),
    (StateTaskServiceLambda, "_error_cause_from_client_error", ["client_error"]),
    (DomainDispatcherApplication, "get_application", ["self", "environ"]),
    (DomainDispatcherApplication, "__init__", ["self", "create_app"]),
    (MotoRequestHandler, "make_environ", ["self"]),
    (moto_werkzeug_app, "create_backend_app", ["service"]),
    (DynamoHandler, "call_action", ["self"]),
    (AmazonStateLanguageParser, "parse", ["definition"]),
    (sfn_json_path, "parse", ["path", "debug"]),
    (sfn_result_path, "parse", ["string"]),
    (LambdaResponse, "_dispatch", ["self", "request", "full_url", "headers"]),
    (LambdaBackend, "get_function", ["self", "function_name_or_arn", "qualifier"]),
    (aws_headers, "gen_amzn_requestid_long", ["headerdict"]),
    (moto_request, "normalize_request", ["request"]),
    (MockRawResponse, "__init__", ["self", "response_input"]),
    (DynamoDBBackend, "transact_write_items", ["self", "transact_items"]),
    (DynamoDBBackend, "get_keys_value", ["self", "table", "keys"]),
    (DynamoDBBackend, "get_table", ["self", "table_name"]),
    (DynamoDBBackend, "get_item", ["self", "table_name", "keys", "projection_expressions"]),
    (BaseResponse, "call_action", ["self"]),
    (BaseResponse, "serialized", ["self", "action_result"]),
    (DynamoResult, "__init__", ["self", "result"]),
    (convert_to_flask_response, "__call__", ["self", "args", "kwargs"]),
    (ConditionExpressionParser, "parse", ["self"]),
    (UpdateExpressionParser, "make", ["expression_str"]),
    (SfnProgram, "eval", ["self", "env"]),
    (EvalComponent, "eval", ["self", "env"]),
    (DepthFirstTraverser, "traverse", ["self", "node"]),
    (DepthFirstTraverser, "traverse_node_recursively", ["self", "node", "child_id"]),
    (DepthFirstTraverser, "nodes_to_be_processed", ["self"]),
    (DepthFirstTraverser, "_processing_map", ["self"]),
    (DepthFirstTraverser, "process", ["self", "node"]),
    (DepthFirstTraverser, "pre_processing_of_child", ["self", "parent_node", "child_id"]),
    (Node, "find_clauses", ["self", "clause_types"]),
    (Validator, "__init__", ["self", "expression", "expression_attribute_names", "expression_attribute_values",
                             "item", "table"]),
    (BaseResponse, "_get_action", ["self"]),
    (moto_core_responses, "method_names_from_class", ["clazz"]),
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
    (
        ConditionExpressionParser,
        "__init__",
        ["condition_expression", "expression_attribute_names", "expression_attribute_values",
         "expr_attr_names_found", "expr_attr_values_found"],
    ),
    (Node, "__init__", ["children", "parent"]),
    # request-metering sizes stored items from their attributes, without Item.to_json.
    (DynamoDBItem, "__init__", ["attrs"]),
    (DynamoType, "__init__", ["type", "value"]),
]


# (owner, method, a line of its source) for internals read or written directly, not through a call.
_EXPECTED_SOURCE_LINES: list[tuple[Any, str, str]] = [
    # json_protocol_lane calls the view's callback, and builds its answer, as this method does.
    (convert_to_flask_response, "__call__", "result = self.callback(request, request.raw_url, dict(request.headers))"),
    (convert_to_flask_response, "__call__", "response = Response(response=content, status=status, headers=headers)"),
    (convert_to_flask_response, "__call__", "request = normalize_request(cast(Request, flask_request))"),
    (convert_to_flask_response, "__call__", "recorder._record_request(request)"),
    # dynamodb_transactions restores items where Table.put_item stores them.
    (DynamoDBTable, "put_item", "self.items[hash_value][range_value] = item"),
    (DynamoDBTable, "put_item", "self.items[hash_value] = item"),
    # sfn-program-inline runs what moto's program thread runs, when the join has no timeout.
    (SfnProgram, "eval", "timeout = self.timeout_seconds.timeout_seconds if self.timeout_seconds else None"),
    (SfnProgram, "eval", "env.next_state_name = self.start_at.start_at_name"),
    (SfnProgram, "eval", "worker_thread = threading.Thread(target=super().eval, args=(env,), daemon=True)"),
    (SfnProgram, "eval", "TMP_THREADS.append(worker_thread)"),
    (SfnProgram, "eval", "worker_thread.join(timeout=timeout)"),
    # sfn_express shares a machine's snapshot between its Express executions until the machine is updated.
    (SfnStateMachine, "update", "self.update_date = utcnow()"),
    # dynamodb-update-parsed-once shares parsed trees: the validator must work on its own copy.
    (Validator, "__init__", "self.node_to_validate = deepcopy(expression)"),
    # dynamodb-update-walks walks as moto's traverse does: its hook, its process, the processed node put back.
    (DepthFirstTraverser, "traverse", "return self.traverse_node_recursively(node)"),
    # ... and finds clauses as Node.find_clauses does.
    (Node, "find_clauses", "if type(child) in clause_types:"),
    (Node, "find_clauses", "elif isinstance(child, Expression):"),
    (Node, "find_clauses", "elif isinstance(child, UpdateExpressionFunction):"),
    (Node, "find_clauses", "clauses.extend(child.find_clauses(clause_types))"),
    (DepthFirstTraverser, "traverse_node_recursively", "self.pre_processing_of_child(node, i)"),
    (DepthFirstTraverser, "traverse_node_recursively", "self.traverse_node_recursively(child_node, i)"),
    (DepthFirstTraverser, "traverse_node_recursively", "if isinstance(node, self.nodes_to_be_processed()):"),
    (DepthFirstTraverser, "traverse_node_recursively", "node = self.process(node)"),
    (DepthFirstTraverser, "traverse_node_recursively", "parent_node.children[child_id] = node"),
    (DepthFirstTraverser, "nodes_to_be_processed", "return tuple(k for k in self._processing_map().keys())"),
    (DepthFirstTraverser, "process", "for class_key, processor in self._processing_map().items():"),
]


# The interpreter modules whose ``copy.deepcopy`` calls copy state data (sfn-json-copy).
_SFN_MODULES_COPYING_STATE: tuple[ModuleType, ...] = (
    sfn_states,
    sfn_environment,
    sfn_event_manager,
    sfn_execute_state,
    sfn_string_expression,
    sfn_result_path,
)


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


def _install_performance_extensions() -> None:
    """sfn-definition-cache, sfn-json-path-cache, dynamodb-transactions, moto-method-names, sfn-json-copy,
    dynamodb-item-responses, sfn-json-responses, json-protocol-lane, dynamodb-conditions-once,
    dynamodb-update-parsed-once, dynamodb-update-walks, dynamodb-update-tree-copy and sfn-program-inline
    (sfn-lambda-in-process is part of sfn-boto-clients): each keeps moto's observable behaviour and only saves
    CPU; see the modules for why each is needed. Left out with EMULATOR_PERFORMANCE_EXTENSIONS=off."""
    on = performance.enabled
    if on("sfn-definition-cache"):
        parse_definition = AmazonStateLanguageParser.parse

        def cached_parse(definition: str) -> Any:
            return sfn_parse_cache.definitions.parse(parse_definition, definition)

        setattr(cached_parse, _PATCH_MARKER, parse_definition)
        AmazonStateLanguageParser.parse = staticmethod(cached_parse)  # type: ignore[method-assign]
    if on("sfn-json-path-cache"):
        for module in (sfn_json_path, sfn_result_path):
            _patch(module, "parse", sfn_parse_cache.cached_json_path_parser)
    if on("dynamodb-transactions"):
        _patch(DynamoDBBackend, "transact_write_items", _transact_write_items)
    if on("moto-method-names"):
        _patch(moto_core_responses, "method_names_from_class", moto_dispatch_cache.cached_method_names)
    if on("sfn-json-copy"):
        for module in _SFN_MODULES_COPYING_STATE:
            module.copy = sfn_json_copy.json_copy_module  # type: ignore[attr-defined]
    if on("dynamodb-item-responses"):
        _patch(DynamoHandler, "serialized",
               dynamodb_item_responses.ItemResponses(get_service_model("dynamodb"), DynamoResult).replacing)
    if on("sfn-json-responses"):
        _patch(sfn_responses.StepFunctionResponse, "serialized",
               sfn_json_responses.StepFunctionsResponses(get_service_model("stepfunctions"), ActionResult).replacing)
    global _json_lane
    if on("json-protocol-lane"):
        _json_lane = json_protocol_lane.JsonProtocolLane()
    if on("dynamodb-conditions-once"):
        _patch(ConditionExpressionParser, "parse", _conditions_parsed_once)
    _install_update_expression_extensions()
    if on("sfn-program-inline"):
        _patch(SfnProgram, "eval", lambda original: sfn_program_threads.inline_program_eval(
            original, EvalComponent.eval, sfn_parser_utils.TMP_THREADS))


def _install_update_expression_extensions() -> None:
    """dynamodb-update-parsed-once, dynamodb-update-walks and dynamodb-update-tree-copy."""
    on = performance.enabled
    if on("dynamodb-update-parsed-once"):
        parse_update = UpdateExpressionParser.make
        update_expressions = dynamodb_update_parse_cache.ParsedUpdateExpressions()

        def make(cls: type[Any], expression_str: str) -> Any:
            if cls is not UpdateExpressionParser:  # a subclass parses its own grammar
                return parse_update.__func__(cls, expression_str)
            return update_expressions.make(parse_update, expression_str)

        setattr(make, _PATCH_MARKER, parse_update)
        UpdateExpressionParser.make = classmethod(make)
    if on("dynamodb-update-walks"):
        walk = dynamodb_ast_traversal.walker(DepthFirstTraverser, Node)
        setattr(walk, _PATCH_MARKER, DepthFirstTraverser.traverse)
        DepthFirstTraverser.traverse = walk
        _patch(Node, "find_clauses", lambda original: dynamodb_ast_traversal.clause_finder(
            (Expression, UpdateExpressionFunction)))
    if on("dynamodb-update-tree-copy"):
        _patch(dynamodb_validators, "deepcopy", lambda original: dynamodb_tree_copy.tree_copier(Node))


def _install_metering() -> None:
    """request-metering, and its route on the emulator's control API."""
    _patch(BaseResponse, "call_action", _metered)
    fault_api.app.register_blueprint(metering_api.blueprint)


def _metered(original: Callable[..., Any]) -> Callable[..., Any]:
    def call_action(self: Any) -> Any:
        return request_metering.metered_call_action(original, self)

    return call_action


def _transact_write_items(original: Callable[..., Any]) -> Callable[..., Any]:
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        dynamodb_transactions.transact_write_items(self, transact_items)

    return transact_write_items


def _conditions_parsed_once(original: Callable[..., Any]) -> Callable[..., Any]:
    conditions = dynamodb_condition_cache.ParsedConditions()

    def parse(self: Any) -> Any:
        return conditions.parse(original, self)

    return parse


def _invoke_lambda_in_runtime(self: Any, event: Any = None) -> tuple[str, bool, str]:
    try:
        return lambda_invocation.run_in_runtime(self, event)
    except lambda_invocation.LambdaApiError as failure:
        error = failure.error
        raise AWSError(error.message, error.code, error.status_code) from None


_dynamodb_lock = threading.Lock()


def _one_at_a_time(original: Callable[..., Any]) -> Callable[..., Any]:
    def call_action(self: Any) -> Any:
        with _dynamodb_lock:
            return original(self)

    return call_action


def _lambda_task_error(original: Callable[..., Any]) -> Callable[..., Any]:
    def from_error(self: Any, env: Any, ex: Exception) -> Any:
        return sfn_lambda_errors.from_error(original, self, env, ex)

    return from_error


_json_lane: json_protocol_lane.JsonProtocolLane | None = None  # json-protocol-lane, when installed


def _application_with_emulator_api(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_application(self: Any, environ: dict[str, Any]) -> Any:
        if str(environ.get("PATH_INFO", "")).startswith(fault_api.PATH_PREFIX):
            return fault_api.app
        app = original(self, environ)
        lane = _json_lane
        return (lane.app_for(app, environ) or app) if lane is not None else app

    return get_application


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
