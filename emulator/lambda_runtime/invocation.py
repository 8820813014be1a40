"""One invocation's request and outcome, as the runtime passes them between its parts."""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkerFault:
    """A fault the worker enacts around the handler (see faults.py): sleep ``latency_ms`` first, then
    ``action`` ("raise", "crash", "hang" or None) at ``at`` ("start", "end" or "call:N")."""

    action: str | None
    at: str = "start"
    latency_ms: int = 0
    error_type: str = "InjectedFault"

    def to_message(self) -> dict[str, Any]:
        return {"action": self.action, "at": self.at, "latency_ms": self.latency_ms, "error_type": self.error_type}


@dataclass(frozen=True)
class ApiError:
    """An error of the Invoke API itself (the function never ran), e.g. 429 TooManyRequestsException."""

    status_code: int
    code: str
    message: str


@dataclass(frozen=True)
class InvocationRequest:
    request_id: str
    event_json: str
    invoked_function_arn: str
    trace_id: str
    worker_fault: WorkerFault | None = None

    @classmethod
    def new(cls, event_json: str, invoked_function_arn: str) -> InvocationRequest:
        return cls(str(uuid.uuid4()), event_json, invoked_function_arn, new_trace_id())


@dataclass(frozen=True)
class InvocationOutcome:
    payload: str  # the response body: the handler's JSON result, or Lambda's error JSON
    errored: bool  # True is what makes the Invoke API set X-Amz-Function-Error
    logs: str = ""  # what the invocation wrote to its log stream (for LogType=Tail)
    api_error: ApiError | None = None  # set when the Invoke API itself fails: no payload, no function error

    @classmethod
    def failure(cls, error_body: dict[str, Any], logs: str = "") -> InvocationOutcome:
        return cls(json.dumps(error_body), True, logs)


def new_trace_id() -> str:
    # X-Ray's format; Sampled=0 keeps the X-Ray SDK (powertools Tracer) from sending segments anywhere.
    root = f"1-{int(time.time()):08x}-{os.urandom(12).hex()}"
    return f"Root={root};Parent={os.urandom(8).hex()};Sampled=0"
