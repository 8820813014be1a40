"""The Lambda runtime: one warm worker pool per function version, replaced when code or configuration change."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from emulator.lambda_runtime import error_payloads
from emulator.lambda_runtime.code_cache import CodeCache
from emulator.lambda_runtime.cold_starts import ColdStarts
from emulator.lambda_runtime.faults import FaultCounters, FaultPolicy, NoFaults
from emulator.lambda_runtime.function_spec import FunctionSpec
from emulator.lambda_runtime.invocation import InvocationOutcome, InvocationRequest
from emulator.lambda_runtime.worker_pool import PoolRetired, WorkerPool
from emulator.log_sink import CloudWatchLogSink

DEFAULT_POOL_SIZE = 4


class LambdaRuntime:
    def __init__(self, endpoint_url: str, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size}")
        self.endpoint_url = endpoint_url
        self._pool_size = pool_size
        self._work_dir = Path(tempfile.mkdtemp(prefix="emulator-lambda-"))
        self._code_cache = CodeCache(self._work_dir / "code")
        self._cold_starts = ColdStarts()
        self._log_sink = CloudWatchLogSink()
        # Workers watch the read end; only this process holds the write end (os.pipe is close-on-exec), so
        # it closes when this process dies in any way, and every worker then exits.
        self._lifeline_read, self._lifeline_write = os.pipe()
        self._lock = threading.Lock()
        self._pools: dict[str, WorkerPool] = {}
        self._fault_policies: dict[str, FaultPolicy] = {}
        # Set when a function's policy is replaced or lifted: the slow cold starts it imposed end there.
        self._policy_replaced: dict[str, threading.Event] = {}
        self._fault_counters = FaultCounters()
        self._stopped = False

    def invoke(self, spec: FunctionSpec, event_json: str) -> InvocationOutcome:
        request = InvocationRequest.new(event_json, spec.function_arn)
        replaced = self._policy_replaced_event(spec.function_name)  # before deciding: the policy that decides
        decision = self._fault_policy_for(spec.function_name).decide(request)
        self._fault_counters.record(spec.function_name, decision.kinds)
        if decision.api_error is not None:  # rejected by the Invoke API: no sandbox, no log, as on AWS
            return InvocationOutcome("", False, api_error=decision.api_error)
        if decision.worker_fault is not None:
            request = replace(request, worker_fault=decision.worker_fault)
        if decision.init_delay_ms:  # a slow cold start: before the function's own timeout starts counting
            replaced.wait(decision.init_delay_ms / 1000)
        while True:
            pool = self._pool_for(spec)
            if pool is None:
                shutting_down = error_payloads.error_payload(
                    "ServiceException", "The emulator is shutting down", request.request_id
                )
                return InvocationOutcome.failure(shutting_down)
            try:
                return pool.invoke(request)
            except PoolRetired:
                continue  # the function was updated while this invocation waited: run it on the new pool

    def prestart(self, spec: FunctionSpec, count: int) -> int:
        """Starts workers for ``spec`` until ``count`` (at most the pool size) are warm; returns how many are.
        Raises WorkerInitError when the function cannot start (its init error, as an invocation would get)."""
        while True:
            pool = self._pool_for(spec)
            if pool is None:
                return 0
            try:
                return pool.prestart(count)
            except PoolRetired:
                continue  # updated meanwhile: warm the new code's pool

    def set_fault_policy(self, function_name: str, policy: FaultPolicy | None) -> None:
        with self._lock:
            self._release_held(function_name)
            if policy is None:
                self._fault_policies.pop(function_name, None)
            else:
                self._fault_policies[function_name] = policy

    def clear_fault_policies(self) -> None:
        with self._lock:
            for function_name in list(self._policy_replaced):
                self._release_held(function_name)
            self._fault_policies.clear()

    def _policy_replaced_event(self, function_name: str) -> threading.Event:
        with self._lock:
            return self._policy_replaced.setdefault(function_name, threading.Event())

    def _release_held(self, function_name: str) -> None:
        """Ends the slow cold starts the function's current policy imposed (callers hold the lock)."""
        held = self._policy_replaced.pop(function_name, None)
        if held is not None:
            held.set()

    def fault_policies(self) -> dict[str, FaultPolicy]:
        with self._lock:
            return dict(self._fault_policies)

    def injected_faults(self) -> dict[str, dict[str, int]]:
        """{function name: {fault kind: count}} since the runtime started (counts survive clearing policies)."""
        return self._fault_counters.snapshot()

    def worker_pids(self) -> list[int]:
        with self._lock:
            pools = list(self._pools.values())
        return [pid for pool in pools for pid in pool.worker_pids()]

    def shutdown(self) -> None:
        """Kills every worker (busy ones too) and removes the unpacked code. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.kill_all()
        os.close(self._lifeline_write)
        os.close(self._lifeline_read)
        shutil.rmtree(self._work_dir, ignore_errors=True)

    def _pool_for(self, spec: FunctionSpec) -> WorkerPool | None:
        with self._lock:
            if self._stopped:
                return None
            pool = self._pools.get(spec.function_arn)
            if pool is not None and pool.spec == spec:
                return pool
            stale = pool
            pool = WorkerPool(
                spec,
                self._pool_size,
                self._code_cache,
                self.endpoint_url,
                self._lifeline_read,
                self._log_sink,
                self._cold_starts,
            )
            self._pools[spec.function_arn] = pool
        if stale is not None:  # new code or configuration: warm workers of the old one must not serve it
            stale.retire()
        return pool

    def _fault_policy_for(self, function_name: str) -> FaultPolicy:
        with self._lock:
            return self._fault_policies.get(function_name, _NO_FAULTS)


_NO_FAULTS = NoFaults()
