"""A Lambda execution environment: one process, one function, invocations one at a time.

Started by the emulator as ``python -m emulator.lambda_runtime.worker --request-fd R --response-fd W
--lifeline-fd L`` with the function's environment (LAMBDA_TASK_ROOT, _HANDLER, ...). It imports the
handler once (the init phase), reports ``ready`` (or ``init_error``), then answers ``invoke`` messages
until the emulator closes the request pipe. stdout/stderr belong to the handler: the emulator reads them
as the function's log output. Stdlib only, so that the handler sees the venv (standing in for the
Lambda runtime's boto3 and the powertools layer) and nothing of the emulator.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import importlib
import io
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from emulator.lambda_runtime import error_payloads
from emulator.lambda_runtime.lambda_context import LambdaContext
from emulator.lambda_runtime.protocol import ChannelClosed, receive_message, send_message
from emulator.lambda_runtime.worker_faults import ArmedFault, InjectedFault

Handler = Callable[[Any, LambdaContext], Any]


class RuntimeFault(Exception):
    """An error of the runtime itself (bad handler name, import failure), reported with its Runtime.* type."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = stack_trace or []


class _RequestIdFilter(logging.Filter):
    """Stamps log records with the current request id, as the Lambda runtime's log handler does."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


_request_id_filter = _RequestIdFilter()


def main() -> None:
    arguments = _parse_arguments()
    _exit_when_emulator_dies(arguments.lifeline_fd)
    _use_task_root_as_code_location()
    _install_lambda_log_handler()
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except RuntimeFault as fault:
        _report_init_error(arguments.response_fd, error_payloads.error_payload(
            fault.error_type, str(fault), stack_trace=fault.stack_trace))
        return
    except Exception as error:  # an exception raised while importing the handler's module
        _report_init_error(arguments.response_fd, error_payloads.exception_payload(error, ""))
        return
    send_message(arguments.response_fd, {"type": "ready"})
    _serve(handler, arguments.request_fd, arguments.response_fd)


def _parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--request-fd", type=int, required=True)
    parser.add_argument("--response-fd", type=int, required=True)
    parser.add_argument("--lifeline-fd", type=int, required=True)
    return parser.parse_args()


def _exit_when_emulator_dies(lifeline_fd: int) -> None:
    """The emulator holds the write end of the lifeline pipe and never writes; the kernel closes it when the
    emulator dies, however it dies, so the read returns and this worker exits even mid-invocation."""

    def watch() -> None:
        os.read(lifeline_fd, 1)
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _use_task_root_as_code_location() -> None:
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    # ``-m`` put the emulator's project directory first on sys.path; handler code must not see it.
    emulator_root = os.getcwd()
    sys.path[:] = [entry for entry in sys.path if entry not in ("", emulator_root)]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    # The emulator reads stdout/stderr from a file; line buffering gets each line there before a timeout kill.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(line_buffering=True)


def _install_lambda_log_handler() -> None:
    # The Lambda Python runtime puts this handler on the root logger, so logging.warning() etc. reach the logs.
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":  # and the function's application log level applies
        formatter = _JsonLogFormatter()
        logging.getLogger().setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO"))
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_request_id_filter)
    logging.getLogger().addHandler(handler)


class _JsonLogFormatter(logging.Formatter):
    """The Python runtime's JSON application log record."""

    def format(self, record: logging.LogRecord) -> str:
        timestamp = datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {"timestamp": timestamp.replace("+00:00", "Z"), "level": record.levelname,
                                 "message": record.getMessage(), "logger": record.name,
                                 "requestId": getattr(record, "aws_request_id", "")}
        if record.exc_info:
            entry["stackTrace"] = self.formatException(record.exc_info).splitlines()
        return json.dumps(entry, separators=(",", ":"), default=str)


def _load_handler(handler_name: str) -> Handler:
    """Resolves "module.function", "package.module.function" or "package/module.function" like awslambdaric."""
    try:
        module_name, function_name = handler_name.rsplit(".", 1)
    except ValueError as error:
        raise RuntimeFault(error_payloads.MALFORMED_HANDLER_NAME, f"Bad handler '{handler_name}': {error}") from None
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise RuntimeFault(
            error_payloads.IMPORT_MODULE_ERROR, f"Unable to import module '{module_name}': {error}"
        ) from None
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
        raise RuntimeFault(
            error_payloads.USER_CODE_SYNTAX_ERROR, f"Syntax error in module '{module_name}': {error}", trace
        ) from None
    handler = getattr(module, function_name, None)
    if handler is None:
        raise RuntimeFault(
            error_payloads.HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        )
    return handler


def _report_init_error(response_fd: int, body: dict[str, Any]) -> None:
    _log_error(body)
    send_message(response_fd, {"type": "init_error", "error": body})


def _serve(handler: Handler, request_fd: int, response_fd: int) -> None:
    while True:
        try:
            request = receive_message(request_fd)
        except ChannelClosed:  # the emulator retired this worker
            return
        fault = ArmedFault(request.get("fault"))
        response = _invoke(handler, request, fault)
        sys.stdout.flush()
        sys.stderr.flush()
        fault.at_end()  # a crash or hang here loses a response the handler already produced
        response["max_rss_kb"] = _peak_rss_kb()
        send_message(response_fd, response)


def _invoke(handler: Handler, request: dict[str, Any], fault: ArmedFault) -> dict[str, Any]:
    request_id = request["request_id"]
    os.environ["_X_AMZN_TRACE_ID"] = request["trace_id"]
    _request_id_filter.request_id = request_id
    context = LambdaContext(request_id, request["invoked_function_arn"], request["deadline_epoch_ms"])
    try:
        fault.at_start()
        result = handler(json.loads(request["event"]), context)
    except InjectedFault as injected:
        body = error_payloads.error_payload(injected.error_type, str(injected), request_id)
        _log_error(body)
        return {"type": "result", "error": body}
    except Exception as error:
        body = error_payloads.exception_payload(error, request_id)
        _log_error(body)
        return {"type": "result", "error": body}
    try:
        payload = json.dumps(result, default=_decimal_as_number)
    except (TypeError, ValueError) as error:
        body = error_payloads.error_payload(
            error_payloads.MARSHAL_ERROR, f"Unable to marshal response: {error}", request_id
        )
        _log_error(body)
        return {"type": "result", "error": body}
    return {"type": "result", "payload": payload}


def _peak_rss_kb() -> int:
    """This process's peak resident set size (VmHWM): the REPORT line's Max Memory Used. Read here, where it
    costs the worker ~10 us, not by the emulator after every invocation, where it cost ~0.15 ms of the emulator's
    one interpreter lock under load. Not getrusage's ru_maxrss: Linux carries that over from the forked emulator
    (~200 MB) across exec."""
    try:
        fd = os.open("/proc/self/status", os.O_RDONLY)
        try:
            status = os.read(fd, 16384)
        finally:
            os.close(fd)
        start = status.index(b"VmHWM:") + len(b"VmHWM:")
        return int(status[start : status.index(b"kB", start)])
    except (OSError, ValueError):
        return 0


def _decimal_as_number(value: object) -> float:
    # The Lambda Python runtime serialises Decimal (e.g. from DynamoDB) as a number.
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _log_error(body: dict[str, Any]) -> None:
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON":  # the runtime's JSON record: one line, one event
        record = {"timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z"), "log_level": "ERROR", **body}
        print(json.dumps(record, separators=(",", ":")), file=sys.stderr, flush=True)
        return
    # One log event, as Lambda writes it: "\r" keeps the traceback's lines together until the emulator
    # turns them back into newlines inside a single CloudWatch event.
    lines = [f"[ERROR] {body['errorType']}: {body['errorMessage']}"]
    if body["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(frame.rstrip("\n") for frame in body["stackTrace"])
    print("\r".join(lines), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
