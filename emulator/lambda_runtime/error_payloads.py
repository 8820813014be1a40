"""The JSON bodies Lambda returns for failed invocations (the Python runtime's shape).

Step Functions matches Retry/Catch ``ErrorEquals`` against ``errorType``, so these must look like AWS's.
Stdlib only: the worker imports this module.
"""

from __future__ import annotations

import os
import traceback
from typing import Any

# Frames of the runtime's own code are left out of stack traces, as the Lambda runtime leaves out its own.
_RUNTIME_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

# The error types the AWS Python runtime itself reports (awslambdaric FaultException names).
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
MARSHAL_ERROR = "Runtime.MarshalError"
EXIT_ERROR = "Runtime.ExitError"
TIMED_OUT = "Sandbox.Timedout"


def error_payload(
    error_type: str, message: str, request_id: str = "", stack_trace: list[str] | None = None
) -> dict[str, Any]:
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": stack_trace or [],
    }


def exception_payload(error: BaseException, request_id: str) -> dict[str, Any]:
    """What the Python runtime returns when the handler raises: class name, str(), formatted frames."""
    user_frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(_RUNTIME_DIRECTORY)
    ]
    frames = traceback.format_list(user_frames)
    return error_payload(type(error).__name__, str(error), request_id, frames)


def timeout_payload(request_id: str, timeout_seconds: float) -> dict[str, Any]:
    # Current Lambda runtimes report a timeout as Sandbox.Timedout with this message.
    message = f"RequestId: {request_id} Error: Task timed out after {timeout_seconds:.2f} seconds"
    return error_payload(TIMED_OUT, message, request_id)


# Lambda's runtime is written in Go and words a fatal signal the way Go's os/exec does.
_SIGNAL_WORDS = {6: "aborted", 9: "killed", 11: "segmentation fault", 15: "terminated"}


def exit_payload(request_id: str, exit_status: int) -> dict[str, Any]:
    # A negative Popen return code is the number of the signal that killed the process.
    if exit_status < 0:
        reason = "signal: " + _SIGNAL_WORDS.get(-exit_status, f"signal {-exit_status}")
    else:
        reason = f"exit status {exit_status}"
    message = f"RequestId: {request_id} Error: Runtime exited with error: {reason}"
    return error_payload(EXIT_ERROR, message, request_id)
