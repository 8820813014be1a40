"""The saga's handlers called directly, in the order Step Functions calls them, in a fresh Python process.

What the orchestration overhead is measured against (bench.sagas: happy saga p50 / direct chain p50) and the
in-process validation beside the Express one (bench.express). The same handler code as the deployed archives,
in a worker's environment (the functions' variables and Lambda's reserved ones, a trace id per call: see
worker_like), talking to the same emulator; what is missing is exactly the orchestration: no Step Functions, no
Lambda Invoke, no worker pool. A process of its own so that it runs like a worker does: only the handlers
imported, its own interpreter lock, its stdout (the handlers' logs) going to a file. ``run_direct`` starts it
(``python -m bench.direct_chain``, a JSON request on stdin, the durations as JSON on stdout); it is not meant
to be run by hand.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from emulator.lambda_runtime.invocation import new_trace_id
from emulator.lambda_runtime.lambda_context import LambdaContext

if TYPE_CHECKING:
    from devstack.stack import LocalStack

SAGA_STEPS = (("ProcessPayment", "process_payment"), ("ReserveInventory", "reserve_inventory"),
              ("ConfirmOrder", "confirm_order"))
MODULES = ("validate_order", *(module for _, module in SAGA_STEPS))
_DEADLINE_S = 10.0


def run_direct(stack: LocalStack, what: str, orders: list[dict[str, Any]], warm_up: int) -> list[float]:
    """Durations (s) of ``what`` ("chain" or "validate") for each order after the first ``warm_up`` ones."""
    from bench.worker_like import HANDLERS_DIR, worker_like_environment  # here: the child imports only handlers

    environment = worker_like_environment(stack, MODULES)
    # The handlers are top-level modules, as in a worker (LAMBDA_TASK_ROOT on its path); the project root
    # makes this module and the emulator's LambdaContext importable in the child.
    environment["PYTHONPATH"] = os.pathsep.join([str(HANDLERS_DIR), str(HANDLERS_DIR.parent)])
    completed = subprocess.run(
        [sys.executable, "-m", "bench.direct_chain"],
        input=json.dumps({"what": what, "orders": orders, "warm_up": warm_up}),
        cwd=HANDLERS_DIR, env=environment, capture_output=True, text=True, timeout=600, check=True,
    )
    durations: list[float] = json.loads(completed.stdout)["durations"]
    return durations


class DirectHandlers:
    def __init__(self) -> None:
        self._modules: dict[str, ModuleType] = {module: importlib.import_module(module) for module in MODULES}

    def validate(self, order: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._modules["validate_order"].lambda_handler(order, _context())
        return result

    def _call(self, module: str, event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._modules[module].lambda_handler(event, _context())
        return result

    def chain(self, order: dict[str, Any]) -> dict[str, Any]:
        """ValidateOrder -> ProcessPayment -> ReserveInventory -> ConfirmOrder, passing state as the ASL does."""
        state: dict[str, Any] = {"order": self.validate(order), "results": {}}
        result: dict[str, Any] = {}
        for step, module in SAGA_STEPS:
            event = {"order": state["order"], "results": dict(state["results"])}
            result = self._call(module, event)
            state["results"][step] = result
        return result


@contextlib.contextmanager
def handler_output_to_file() -> Iterator[None]:
    """Points this process's stdout at a file (as a worker's is), restoring it afterwards."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def _context() -> LambdaContext:
    os.environ["_X_AMZN_TRACE_ID"] = new_trace_id()  # what the worker sets before every invocation
    deadline_ms = int((time.time() + _DEADLINE_S) * 1000)
    return LambdaContext(str(uuid.uuid4()), "arn:aws:lambda:eu-west-1:123456789012:function:direct", deadline_ms)


def main() -> None:
    request = json.loads(sys.stdin.read())
    durations: list[float] = []
    with handler_output_to_file():
        handlers = DirectHandlers()
        call = handlers.chain if request["what"] == "chain" else handlers.validate
        for index, order in enumerate(request["orders"]):
            started = time.perf_counter()
            call(order)  # each handler call gets its own trace id, as each invocation does in a worker
            if index >= request["warm_up"]:
                durations.append(time.perf_counter() - started)
    print(json.dumps({"durations": durations}))


if __name__ == "__main__":
    main()
