"""The worker's side of fault injection: enact a fault message around one handler invocation.

The message (see invocation.WorkerFault) says: sleep ``latency_ms``, then ``action`` at ``at``:
  raise  fail with an unhandled ``error_type`` before the handler runs (only "start" is meaningful);
  crash  SIGKILL this process: the emulator sees the sandbox die and reports Runtime.ExitError;
  hang   block until the emulator kills this process at the function's deadline: Sandbox.Timedout.
``at`` is "start" (before the handler), "end" (after it returned, before the response is sent), "call:N"
(right after the handler's N-th AWS API call returned, i.e. in the middle of its work) or "call:Op[:N]"
(right after its N-th call of the operation Op, e.g. call:PutItem:3; N defaults to 1).

Stdlib only, like the worker. "call:N" patches botocore, which the handler has loaded by then; it is imported
only when such a fault arrives, so a handler that never sees one never sees the patch.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

START = "start"
END = "end"
_CALL_PREFIX = "call:"


class InjectedFault(Exception):
    """Raised instead of running the handler; reported under the fault's error type."""

    def __init__(self, error_type: str) -> None:
        super().__init__(f"Fault injected by the emulator before the handler ran ({error_type})")
        self.error_type = error_type


class ArmedFault:
    """One invocation's fault. Call ``at_start`` before the handler and ``at_end`` before replying."""

    def __init__(self, message: dict[str, Any] | None) -> None:
        message = message or {}
        self._action: str | None = message.get("action")
        self._at: str = message.get("at") or START
        self._latency_ms: int = int(message.get("latency_ms") or 0)
        self.error_type: str = message.get("error_type") or "InjectedFault"

    def at_start(self) -> None:
        """Latency, then the fault if it strikes at the start. Arms the API-call counter for "call:N"."""
        if self._latency_ms:
            time.sleep(self._latency_ms / 1000)
        if self._action is None:
            return
        if self._at == START:
            self._strike()
        elif self._at.startswith(_CALL_PREFIX):
            operation, _, count = self._at[len(_CALL_PREFIX) :].partition(":")
            if operation.isdigit():
                _api_calls.arm(None, int(operation), self._strike)
            else:
                _api_calls.arm(operation, int(count or 1), self._strike)

    def at_end(self) -> None:
        _api_calls.disarm()
        if self._action is not None and self._at == END:
            self._strike()

    def _strike(self) -> None:
        if self._action == "raise":
            raise InjectedFault(self.error_type)
        if self._action == "crash":
            # What a crashed sandbox looks like from outside: the process is gone, mid-sentence.
            os.kill(os.getpid(), signal.SIGKILL)
        if self._action == "hang":
            while True:  # the emulator SIGKILLs this worker at the function's deadline
                time.sleep(60)


class _ApiCallCounter:
    """Counts the handler's AWS API calls (botocore), or those of one operation, and strikes after the N-th."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._operation: str | None = None
        self._remaining = 0
        self._strike: Callable[[], None] | None = None
        self._patched = False

    def arm(self, operation: str | None, calls: int, strike: Callable[[], None]) -> None:
        self._patch_botocore()
        with self._lock:
            self._operation, self._remaining, self._strike = operation, calls, strike

    def disarm(self) -> None:
        with self._lock:
            self._remaining, self._strike = 0, None

    def after_call(self, operation_name: str) -> None:
        with self._lock:
            if self._strike is None or self._operation not in (None, operation_name):
                return
            self._remaining -= 1
            if self._remaining > 0:
                return
            strike, self._strike = self._strike, None
        strike()

    def _patch_botocore(self) -> None:
        if self._patched:
            return
        from botocore.client import BaseClient  # the handler's own SDK: loaded already if it calls AWS

        original = BaseClient._make_api_call
        counter = self

        def make_api_call(client: Any, operation_name: str, api_params: Any) -> Any:
            try:
                return original(client, operation_name, api_params)
            finally:
                counter.after_call(operation_name)

        BaseClient._make_api_call = make_api_call
        self._patched = True


_api_calls = _ApiCallCounter()
