"""A set of warm workers serving one function's code and configuration.

``size`` workers start on demand and stay warm. An invocation that finds them all busy waits for one to come
free, but not longer than OVERFLOW_AFTER_SECONDS: then the pool grows by a worker (a cold start), up to
MAX_GROWTH times its size, and keeps it warm too. Lambda does not queue synchronous invocations, it scales
out; an unbounded wait here let invocations start after the Step Functions task that made them had timed out
and been rolled back (their side effect then landing after its undo), which AWS would not do. Workers start
only a few at a time across the emulator (cold_starts.py); an invocation waiting for its turn takes a worker
that comes free meanwhile. The most recently used idle worker is reused first, so sequential invocations stay
on one warm process, as on Lambda.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime

from emulator.lambda_runtime.code_cache import CodeCache
from emulator.lambda_runtime.cold_starts import ColdStarts
from emulator.lambda_runtime.function_spec import FunctionSpec
from emulator.lambda_runtime.invocation import InvocationOutcome, InvocationRequest
from emulator.lambda_runtime.invocation_log import InvocationReport, init_report_events, invocation_log_events
from emulator.lambda_runtime.worker_env import worker_environment
from emulator.lambda_runtime.worker_process import (
    INIT_TIMEOUT_SECONDS,
    WorkerInitError,
    WorkerInitTimedOut,
    WorkerProcess,
    WorkerReply,
)
from emulator.log_sink import CloudWatchLogSink, LogEvent

# Long enough for a warm worker to absorb a burst; short enough that a wait plus a cold start stays well
# inside the margin Step Functions leaves (task timeout = function timeout + 5 s in this stack).
OVERFLOW_AFTER_SECONDS = 1.0
# Past this, invocations wait again: a runaway (or a pool of hung workers) must not take all the memory.
MAX_GROWTH = 4


class PoolRetired(Exception):
    """The pool's function changed (or the runtime stopped) while an invocation waited for a worker."""


class WorkerPool:
    def __init__(
        self,
        spec: FunctionSpec,
        size: int,
        code_cache: CodeCache,
        endpoint_url: str,
        lifeline_fd: int,
        log_sink: CloudWatchLogSink,
        cold_starts: ColdStarts,
    ) -> None:
        self.spec = spec
        self._size = size
        self._code_cache = code_cache
        self._endpoint_url = endpoint_url
        self._lifeline_fd = lifeline_fd
        self._log_sink = log_sink
        self._cold_starts = cold_starts
        self._condition = threading.Condition()
        self._idle: list[WorkerProcess] = []
        self._workers: set[WorkerProcess] = set()
        self._starting = 0  # slots reserved by cold starts in progress
        self._retired = False

    def invoke(self, request: InvocationRequest) -> InvocationOutcome:
        started_ms = int(time.time() * 1000)
        worker = self._take_idle_worker()
        init_duration_ms: float | None = None
        time_left: float | None = None
        if worker is None:
            try:
                worker = self._start_worker()
                init_duration_ms = worker.init_duration_ms
            except WorkerInitTimedOut as timed_out:
                # Lambda retries an init that ran past its own limit within the invocation, under the function
                # timeout: a slow cold start costs time, not the invocation.
                self._log_init_timeout(timed_out)
                retried_at = time.monotonic()
                try:
                    worker = self._start_worker_again(self.spec.timeout_seconds)
                except WorkerInitError as error:
                    return self._init_failure(request, error, started_ms)
                time_left = self.spec.timeout_seconds - (time.monotonic() - retried_at)
                init_duration_ms = worker.init_duration_ms
            except WorkerInitError as error:
                return self._init_failure(request, error, started_ms)
        reply = worker.invoke(request, time_left)
        log_text = self._record_log(worker, request, reply, started_ms, init_duration_ms)
        self._give_back(worker, reply.worker_usable)
        return InvocationOutcome(reply.body, reply.errored, log_text)

    def worker_pids(self) -> list[int]:
        with self._condition:
            return [worker.pid for worker in self._workers]

    def prestart(self, count: int) -> int:
        """Starts workers, side by side, until ``count`` of them (at most the pool's size) are warm; returns how
        many are warm. What Provisioned Concurrency does on Lambda: a benchmark's load then meets no cold start
        (a worker started inside a measured window costs ~0.5 s of CPU)."""
        with self._condition:
            if self._retired:
                raise PoolRetired()
            missing = max(0, min(count, self._size) - len(self._workers) - self._starting)
            self._starting += missing  # reserved as an invocation reserves its cold start
        failures: list[BaseException] = []

        def start_one() -> None:
            try:
                self._await_cold_start_slot()
                self._give_back(self._start_worker(), usable=True)
            except (WorkerInitError, PoolRetired) as error:
                failures.append(error)

        starters = [threading.Thread(target=start_one, name="lambda-prestart") for _ in range(missing)]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        if failures:
            raise failures[0]
        with self._condition:
            return len(self._workers)

    def retire(self) -> None:
        """Stops handing out workers: idle ones die now, busy ones as soon as their invocation ends."""
        with self._condition:
            self._retired = True
            idle, self._idle = self._idle, []
            self._condition.notify_all()
        for worker in idle:
            self._discard(worker)

    def kill_all(self) -> None:
        """Retires the pool and kills busy workers too (shutdown): their invocations fail with an exit error."""
        self.retire()
        with self._condition:
            busy = list(self._workers)
        for worker in busy:
            worker.kill()

    def _take_idle_worker(self) -> WorkerProcess | None:
        """An idle worker, or None once a slot for a new one is reserved (here and in the emulator's cold
        starts): while the pool is below ``size``, or once every worker stayed busy for OVERFLOW_AFTER_SECONDS
        (the pool grows, up to MAX_GROWTH * size)."""
        deadline = time.monotonic() + OVERFLOW_AFTER_SECONDS
        with self._condition:
            while True:
                if self._retired:
                    raise PoolRetired()
                if self._idle:
                    return self._idle.pop()
                count, remaining = len(self._workers) + self._starting, deadline - time.monotonic()
                may_grow = count < self._size or (remaining <= 0 and count < self._size * MAX_GROWTH)
                if may_grow and self._cold_starts.try_begin(self._condition):
                    self._starting += 1
                    return None
                # Woken by a worker given back, a cold start ended anywhere in the emulator, or the deadline.
                self._condition.wait(remaining if remaining > 0 and not may_grow else None)

    def _await_cold_start_slot(self) -> None:
        with self._condition:
            while not self._cold_starts.try_begin(self._condition):
                if self._retired:
                    self._starting -= 1
                    raise PoolRetired()
                self._condition.wait()

    def _start_worker_again(self, init_timeout_seconds: float) -> WorkerProcess:
        """A cold start of its own, for an invocation whose worker's init failed: a slot reserved as
        ``_take_idle_worker`` reserves one, then taken in turn."""
        with self._condition:
            self._starting += 1
        self._await_cold_start_slot()
        return self._start_worker(init_timeout_seconds)

    def _start_worker(self, init_timeout_seconds: float = INIT_TIMEOUT_SECONDS) -> WorkerProcess:
        try:
            stream = _new_log_stream_name(self.spec.version)
            task_root = self._code_cache.task_root_for(self.spec)
            environment = worker_environment(self.spec, self._endpoint_url, task_root, stream)
            worker = WorkerProcess(self.spec, environment, self._lifeline_fd, init_timeout_seconds)
        except BaseException:
            with self._condition:
                self._starting -= 1
                self._condition.notify()
            raise
        finally:
            self._cold_starts.end()
        with self._condition:
            self._starting -= 1
            if not self._retired:
                self._workers.add(worker)
                return worker
            self._condition.notify_all()
        worker.close()
        raise PoolRetired()

    def _give_back(self, worker: WorkerProcess, usable: bool) -> None:
        with self._condition:
            if usable and not self._retired:
                self._idle.append(worker)
                self._condition.notify()
                return
        self._discard(worker)

    def _discard(self, worker: WorkerProcess) -> None:
        worker.close()
        with self._condition:
            self._workers.discard(worker)
            self._condition.notify()

    def _record_log(
        self,
        worker: WorkerProcess,
        request: InvocationRequest,
        reply: WorkerReply,
        started_ms: int,
        init_duration_ms: float | None,
    ) -> str:
        report = InvocationReport(
            request_id=request.request_id,
            version=self.spec.version,
            started_ms=started_ms,
            duration_ms=reply.duration_ms,
            memory_mb=self.spec.memory_mb,
            max_memory_used_mb=reply.max_memory_used_mb,
            init_duration_ms=init_duration_ms,
            status=_invocation_status(reply),
        )
        output = reply.output
        if not reply.worker_usable:  # Lambda logs why the environment died (timeout, exit) after the output
            output += "\n" + _error_message(reply.body)
        return self._write_log(worker.log_stream_name, invocation_log_events(report, output, self.spec.log_format))

    def _log_init_timeout(self, timed_out: WorkerInitTimedOut) -> None:
        events = init_report_events(timed_out.duration_ms, timed_out.output, "timeout", self.spec.log_format)
        self._write_log(_new_log_stream_name(self.spec.version), events)

    def _init_failure(
        self, request: InvocationRequest, error: WorkerInitError, started_ms: int
    ) -> InvocationOutcome:
        report = InvocationReport(request.request_id, self.spec.version, started_ms, 0.0, self.spec.memory_mb, 0, None,
                                  status="failure")
        log_text = self._write_log(_new_log_stream_name(self.spec.version),
                                   invocation_log_events(report, error.output, self.spec.log_format))
        return InvocationOutcome.failure(dict(error.body, requestId=request.request_id), log_text)

    def _write_log(self, stream: str, events: list[LogEvent]) -> str:
        """Writes the events to the function's log group; returns them as text (what LogType=Tail shows)."""
        spec = self.spec
        self._log_sink.write(spec.account_id, spec.region, spec.log_group_name, stream, events)
        return "".join(event.message + "\n" for event in events)


def _invocation_status(reply: WorkerReply) -> str:
    if not reply.errored:
        return "success"
    if json.loads(reply.body).get("errorType") == "Sandbox.Timedout":
        return "timeout"
    return "error" if reply.worker_usable else "failure"


def _new_log_stream_name(version: str) -> str:
    # Lambda names one stream per execution environment: date, version, and a random id.
    today = datetime.now(UTC).strftime("%Y/%m/%d")
    return f"{today}/[{version}]{uuid.uuid4().hex}"


def _error_message(body: str) -> str:
    return str(json.loads(body).get("errorMessage", ""))
