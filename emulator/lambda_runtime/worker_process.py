"""The emulator's handle on one worker process: start it, hand it invocations, enforce the timeout, kill it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from emulator.lambda_runtime import error_payloads
from emulator.lambda_runtime.function_spec import FunctionSpec
from emulator.lambda_runtime.invocation import InvocationRequest
from emulator.lambda_runtime.protocol import ChannelClosed, receive_message, send_message

# Lambda gives the init phase (importing the handler's module) its own 10 s, apart from the function timeout.
# An init that runs longer is retried within the first invocation, under the function timeout (worker_pool.py).
INIT_TIMEOUT_SECONDS = 10.0

# `python -m emulator...` must find the emulator package: run it from the directory that holds it.
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class WorkerReply:
    """What one invocation produced. ``body`` is the JSON text returned to the caller."""

    body: str
    errored: bool
    output: str  # the handler's stdout/stderr during the invocation
    duration_ms: float
    worker_usable: bool  # False once the worker was killed or died: the pool must not hand it out again
    max_memory_used_mb: int = 0  # the worker's peak RSS as it reported it; 0 when it died before replying


class WorkerInitError(Exception):
    def __init__(self, body: dict[str, Any], output: str, duration_ms: float = 0.0) -> None:
        super().__init__(body["errorMessage"])
        self.body = body
        self.output = output
        self.duration_ms = duration_ms


class WorkerInitTimedOut(WorkerInitError):
    """The init ran past its time limit and the worker was killed."""


class WorkerProcess:
    def __init__(
        self,
        spec: FunctionSpec,
        environment: dict[str, str],
        lifeline_fd: int,
        init_timeout_seconds: float = INIT_TIMEOUT_SECONDS,
    ) -> None:
        self.spec = spec
        self.log_stream_name = environment["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.init_duration_ms = 0.0
        # The handler's stdout/stderr go to an append-only file the emulator reads between invocations:
        # unlike a pipe it cannot fill up and block the handler, and it survives a kill for the last words.
        self._output = tempfile.TemporaryFile(prefix="lambda-output-")  # noqa: SIM115 - lives as long as the worker
        output_flags = fcntl.fcntl(self._output.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(self._output.fileno(), fcntl.F_SETFL, output_flags | os.O_APPEND)
        request_read, self._request_write = os.pipe()
        self._response_read, response_write = os.pipe()
        started = time.monotonic()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator.lambda_runtime.worker",
                f"--request-fd={request_read}",
                f"--response-fd={response_write}",
                f"--lifeline-fd={lifeline_fd}",
            ],
            cwd=_PROJECT_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=self._output,
            pass_fds=(request_read, response_write, lifeline_fd),
            # Own session: a Ctrl-C in the emulator's terminal is the emulator's to handle, and it stops
            # the workers itself; the handler must not see a KeyboardInterrupt mid-invocation.
            start_new_session=True,
        )
        os.close(request_read)
        os.close(response_write)
        self._await_ready(started, init_timeout_seconds)

    @property
    def pid(self) -> int:
        return self._process.pid

    def invoke(self, request: InvocationRequest, time_left_seconds: float | None = None) -> WorkerReply:
        """Runs one invocation, killed at the function timeout (or after ``time_left_seconds``, what an init
        retried within this invocation left of it)."""
        started = time.monotonic()
        timeout = self.spec.timeout_seconds
        time_left = timeout if time_left_seconds is None else max(0.0, time_left_seconds)
        deadline_epoch_ms = int((time.time() + time_left) * 1000)
        message = {
            "type": "invoke",
            "request_id": request.request_id,
            "event": request.event_json,
            "invoked_function_arn": request.invoked_function_arn,
            "trace_id": request.trace_id,
            "deadline_epoch_ms": deadline_epoch_ms,
        }
        if request.worker_fault is not None:
            message["fault"] = request.worker_fault.to_message()
        try:
            send_message(self._request_write, message)
            response = self._receive_within(time_left)
        except TimeoutError:
            self.kill()
            body = error_payloads.timeout_payload(request.request_id, timeout)
            return self._reply(body, started, worker_usable=False)
        except (ChannelClosed, BrokenPipeError):
            status = self._process.wait()
            return self._reply(error_payloads.exit_payload(request.request_id, status), started, worker_usable=False)
        max_memory_used_mb = response.get("max_rss_kb", 0) // 1024
        if "error" in response:
            return self._reply(response["error"], started, worker_usable=True, max_memory_used_mb=max_memory_used_mb)
        return WorkerReply(
            response["payload"], False, self._take_output(), _elapsed_ms(started), True, max_memory_used_mb
        )

    def kill(self) -> None:
        """Stops the process at once (SIGKILL: a handler may ignore anything milder) and reaps it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def close(self) -> None:
        """Kills the process and releases its pipes and output file. The handle is unusable afterwards."""
        self.kill()
        for fd in (self._request_write, self._response_read):
            with contextlib.suppress(OSError):  # already closed by an earlier close()
                os.close(fd)
        self._output.close()

    def _await_ready(self, started: float, timeout_seconds: float) -> None:
        try:
            message = self._receive_within(timeout_seconds)
        except TimeoutError:
            self._fail_init(error_payloads.timeout_payload("", timeout_seconds), started, WorkerInitTimedOut)
        except ChannelClosed:
            self._fail_init(error_payloads.exit_payload("", self._process.wait()), started)
        self.init_duration_ms = _elapsed_ms(started)
        if message["type"] == "init_error":
            self._fail_init(message["error"], started)

    def _fail_init(
        self, body: dict[str, Any], started: float, error: type[WorkerInitError] = WorkerInitError
    ) -> NoReturn:
        self.kill()
        output = self._take_output()
        self.close()
        raise error(body, output, _elapsed_ms(started))

    def _receive_within(self, timeout_seconds: float) -> dict[str, Any]:
        poller = select.poll()  # not select.select: it fails on descriptors past 1024
        poller.register(self._response_read, select.POLLIN)
        if not poller.poll(timeout_seconds * 1000):
            raise TimeoutError()
        return receive_message(self._response_read)

    def _reply(
        self, body: dict[str, Any], started: float, worker_usable: bool, max_memory_used_mb: int = 0
    ) -> WorkerReply:
        output = self._take_output()
        return WorkerReply(json.dumps(body), True, output, _elapsed_ms(started), worker_usable, max_memory_used_mb)

    def _take_output(self) -> str:
        """Reads and clears what the handler printed since the last call. Only called while the worker is
        idle or dead, so nothing is written concurrently."""
        fd = self._output.fileno()
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        os.ftruncate(fd, 0)  # O_APPEND makes the worker's next write land at the new end, offset 0
        return data.decode("utf-8", errors="replace")


def _elapsed_ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
