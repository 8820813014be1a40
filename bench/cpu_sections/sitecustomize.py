"""Thread CPU time per code section of the emulator process, for ``python -m bench.sections``.

Loaded by the emulator's interpreter only when bench.sections puts this directory on its PYTHONPATH and sets
BENCH_CPU_SECTIONS_OUT (Python imports ``sitecustomize`` at start-up). SIGUSR1 wraps the sections listed in
SECTIONS (methods, looked up on their class at call time) and starts counting; SIGUSR2 stops and writes the
totals as JSON to BENCH_CPU_SECTIONS_OUT. A wrapper adds ``time.thread_time()`` of the calling thread: CPU
time only, inclusive of the sections it calls, not counting waits (locks, the GIL, I/O), which is what a
sampling profiler's "active" samples could not tell apart.
"""

from __future__ import annotations

import collections
import importlib
import json
import os
import signal
import sys
import threading
import time
from typing import Any

OUTPUT = os.environ.get("BENCH_CPU_SECTIONS_OUT")

# (module, class, method): each request's layers, the Express execution, the Lambda call, the logging.
SECTIONS = (
    ("http.server", "BaseHTTPRequestHandler", "handle_one_request"),
    ("moto.moto_server.werkzeug_app", "DomainDispatcherApplication", "__call__"),
    ("flask.app", "Flask", "wsgi_app"),
    ("moto.core.responses", "BaseResponse", "_dispatch"),
    ("moto.core.responses", "BaseResponse", "setup_class"),
    ("moto.core.responses", "BaseResponse", "call_action"),
    ("moto.core.responses", "BaseResponse", "serialized"),
    ("moto.dynamodb.responses", "DynamoHandler", "call_action"),
    ("moto.stepfunctions.parser.backend.execution", "Execution", "start"),
    ("moto.stepfunctions.parser.asl.component.program.program", "Program", "_eval_body"),
    ("moto.stepfunctions.parser.asl.component.state.exec.execute_state", "ExecutionState", "_evaluate_with_timeout"),
    ("moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda", "StateTaskLambda",
     "_eval_execution"),
    ("emulator.lambda_runtime.runtime", "LambdaRuntime", "invoke"),
    ("emulator.lambda_runtime.worker_pool", "WorkerPool", "_record_log"),
    ("emulator.lambda_runtime.worker_process", "WorkerProcess", "invoke"),
    ("moto.stepfunctions.parser.asl.eval.event.event_manager", "EventManager", "add_event"),
    ("emulator.log_sink", "CloudWatchLogSink", "write"),
)


def _is_the_emulator() -> bool:
    command = " ".join(getattr(sys, "orig_argv", []))
    return "-m emulator" in command and "lambda_runtime" not in command


class _Counter:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = collections.defaultdict(float)
        self.calls: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.counting = False
        self.wrapped = False
        self.missing: list[str] = []
        self.process_started = 0.0

    def wrap_all(self) -> None:
        for module_name, class_name, method_name in SECTIONS:
            label = f"{class_name}.{method_name}"
            try:
                owner = getattr(importlib.import_module(module_name), class_name)
                original = owner.__dict__[method_name]
            except (ImportError, AttributeError, KeyError):
                self.missing.append(label)
                continue
            setattr(owner, method_name, self._wrapper(label, original))
        self.wrapped = True

    def _wrapper(self, label: str, original: Any) -> Any:
        counter = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            if not counter.counting:
                return original(*args, **kwargs)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                with counter.lock:
                    counter.seconds[label] += spent
                    counter.calls[label] += 1

        return timed

    def start(self, *_: Any) -> None:
        if not self.wrapped:
            self.wrap_all()
        with self.lock:
            self.seconds.clear()
            self.calls.clear()
        self.process_started = time.process_time()
        self.counting = True

    def stop(self, *_: Any) -> None:
        self.counting = False
        report = {
            "process_seconds": time.process_time() - self.process_started,
            "sections": {label: [self.seconds[label], self.calls[label]] for label in self.seconds},
            "missing": self.missing,
        }
        assert OUTPUT is not None
        with open(OUTPUT, "w") as file:
            json.dump(report, file)


if OUTPUT and _is_the_emulator():
    _counter = _Counter()
    signal.signal(signal.SIGUSR1, _counter.start)
    signal.signal(signal.SIGUSR2, _counter.stop)
