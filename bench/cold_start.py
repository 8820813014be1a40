"""Cold starts: a fresh worker's time to first response, each handler's import time, the code archive size.

- Time to first response: each function's workers are retired (a configuration change makes a new pool, as
  a new version does on Lambda), then the function is invoked with the event the saga would pass it. The
  client time is Invoke sent -> response; Init Duration is what the REPORT log line says the import took.
- ``python -X importtime -c "import <handler>"`` in a fresh interpreter with the function's environment,
  best of a few runs (this venv's Python and, when ./venv-lambda exists, Lambda's python3.13), in the handler's
  code archive unpacked, with its bytecode for python3.13, and nothing written next to it (PYTHONDONTWRITEBYTECODE),
  as in Lambda's read-only /var/task.
- The floor under those import times: ``import boto3`` and one DynamoDB client (which the idempotency store
  needs), timed the same way in a fresh interpreter with the same environment; no handler that calls DynamoDB
  imports faster than this. The figure with a target is a handler's import time above that floor on Lambda's
  python3.13 (this venv's Python without venv-lambda; at most 50 ms): what our code and its libraries add to
  what any DynamoDB caller pays.
- The deployed archive's size as Lambda reports it (CodeSize; at most 100 KB).

    python -m bench.cold_start [--rounds 3] [--import-runs 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import BenchRun
from bench.report import Result, Table, at_most
from bench.stats import Latency, ms, percentile
from bench.worker_like import HANDLERS_DIR, worker_like_environment
from components.code_archive import handler_archive
from components.handler_function import LAMBDA_RUNTIME
from devstack.archives import archive_to_zip
from devstack.emulator_process import PROJECT_ROOT
from sagactl.cost.invoke import Invoked, SagaEvents, function_configuration, invoke
from sagactl.cost.orders import SagaPath

if TYPE_CHECKING:
    from devstack.stack import LocalStack

ABOVE_FLOOR_TARGET_MS = 50.0
SHARED_PACKAGES = ("checkout_domain",)
ARCHIVE_TARGET_KB = 100.0
LAMBDA_PYTHON = PROJECT_ROOT / "venv-lambda" / "bin" / "python"
SAGA_ORDER = ("validate_order", "process_payment", "reserve_inventory", "confirm_order")
COMPENSATIONS = ("refund_payment", "release_inventory")
# What the import of every handler that calls DynamoDB pays before any code of ours: the SDK and one client.
FLOOR = "import boto3 + a DynamoDB client"
FLOOR_STEPS = {
    "import boto3": "import boto3",
    FLOOR: "import boto3; boto3.client('dynamodb')",
}
_VENV = f"py{sys.version_info.major}.{sys.version_info.minor}"  # this venv's Python
_TIMED = "import time; started = time.perf_counter(); {code}; print((time.perf_counter() - started) * 1000)"
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


@dataclass(frozen=True)
class Settings:
    rounds: int = 3
    import_runs: int = 5


def run(bench: BenchRun, settings: Settings) -> Result:
    stack, factory = bench.stack, bench.order_factory()
    cold: dict[str, list[Invoked]] = {module: [] for module in (*SAGA_ORDER, *COMPENSATIONS)}
    for _ in range(settings.rounds):
        for module in cold:
            _retire_workers(stack, module)
        events = SagaEvents(stack, factory.order(SagaPath.HAPPY))
        for module, step in zip(SAGA_ORDER, ("", "ProcessPayment", "ReserveInventory", "ConfirmOrder"), strict=True):
            invoked = invoke(stack, module, events.for_module(module))
            cold[module].append(invoked)
            if step:
                events.record(step, invoked)
        # The compensations of an order never charged or reserved: nothing to undo.
        nothing_to_undo = SagaEvents(stack, factory.order(SagaPath.HAPPY))
        for module in COMPENSATIONS:
            cold[module].append(invoke(stack, module, nothing_to_undo.for_module(module)))
    task_roots = Path(tempfile.mkdtemp(prefix="bench-task-roots-"))
    try:
        imports = {module: _import_times(stack, module, settings.import_runs, _unpacked(module, task_roots / module))
                   for module in cold}
    finally:
        shutil.rmtree(task_roots, ignore_errors=True)
    floor = _floor_times(stack, settings.import_runs)
    sizes = {module: int(function_configuration(stack, module)["CodeSize"]) for module in cold}
    return _result(settings, cold, imports, floor, sizes)


def _retire_workers(stack: LocalStack, module: str) -> None:
    """A configuration change: the runtime retires the function's warm workers (as a new version would)."""
    lam = stack.clients.client("lambda")
    name = stack.function_name(module)
    variables = dict(function_configuration(stack, module).get("Environment", {}).get("Variables", {}))
    variables["BENCH_COLD_START"] = uuid.uuid4().hex
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": variables})


def _pythons() -> dict[str, str]:
    pythons = {"venv": sys.executable}
    if LAMBDA_PYTHON.exists():
        pythons["python3.13"] = str(LAMBDA_PYTHON)
    return pythons


def _floor_times(stack: LocalStack, runs: int) -> dict[str, dict[str, float]]:
    """Best of ``runs`` fresh interpreters for each FLOOR_STEPS entry, per Python, in process_payment's
    environment (the SDK reads its region, credentials and endpoint from it)."""
    environment = worker_like_environment(stack, ("process_payment",))
    floor: dict[str, dict[str, float]] = {}
    for label, python in _pythons().items():
        floor[label] = {
            step: min(_timed_once(python, code, environment) for _ in range(runs)) for step, code in FLOOR_STEPS.items()
        }
    return floor


def _timed_once(python: str, code: str, environment: dict[str, str]) -> float:
    completed = subprocess.run(
        [python, "-c", _TIMED.format(code=code)],
        cwd=HANDLERS_DIR, env=environment, capture_output=True, text=True, timeout=120, check=True,
    )
    return float(completed.stdout.strip())


def _unpacked(module: str, task_root: Path) -> Path:
    """The handler's code archive, as the program builds it for Lambda (bytecode included), unpacked."""
    archive = archive_to_zip(handler_archive(HANDLERS_DIR, module, SHARED_PACKAGES, LAMBDA_RUNTIME))
    with zipfile.ZipFile(io.BytesIO(archive)) as unzipped:
        unzipped.extractall(task_root)
    return task_root


def _import_times(stack: LocalStack, module: str, runs: int, task_root: Path) -> dict[str, Any]:
    # Lambda's /var/task is read-only: Python imports the archive's bytecode or compiles, and writes nothing.
    environment = {**worker_like_environment(stack, (module,)), "LAMBDA_TASK_ROOT": str(task_root),
                   "PYTHONDONTWRITEBYTECODE": "1"}
    times: dict[str, Any] = {}
    for label, python in _pythons().items():
        samples = [_import_once(python, module, environment, task_root) for _ in range(runs)]
        best = min(samples, key=lambda sample: sample[0])
        times[label] = {"best_ms": best[0], "median_ms": percentile([s[0] for s in samples], 0.5),
                        "heaviest": best[1]}
    return times


def _import_once(
    python: str, module: str, environment: dict[str, str], task_root: Path
) -> tuple[float, list[tuple[str, float]]]:
    completed = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"],
        cwd=task_root, env=environment, capture_output=True, text=True, timeout=120, check=True,
    )
    total_us = 0
    top_level: list[tuple[str, float]] = []
    for line in completed.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        cumulative, indent, name = int(match.group(2)), len(match.group(3)), match.group(4)
        if name == module:
            total_us = cumulative
        elif indent <= 3:  # imported at the top level of some module, not inside another package
            top_level.append((name, cumulative / 1000))
    heaviest = sorted(top_level, key=lambda item: -item[1])[:3]
    return total_us / 1000, heaviest


def _result(
    settings: Settings,
    cold: dict[str, list[Invoked]],
    imports: dict[str, dict[str, Any]],
    floor: dict[str, dict[str, float]],
    sizes: dict[str, int],
) -> Result:
    rows = []
    targets = []
    above: dict[str, float] = {}
    for module, invocations in cold.items():
        first_response = Latency.of([i.client_s for i in invocations])
        inits = [i.init_ms for i in invocations if i.init_ms is not None]
        venv = imports[module]["venv"]
        lambda_python = imports[module].get("python3.13")
        heaviest = ", ".join(f"{name} {value:.0f}" for name, value in venv["heaviest"])
        above[module] = above_floor({python: times["best_ms"] for python, times in imports[module].items()}, floor)
        rows.append((
            module, ms(first_response.p50_ms), ms(percentile(inits, 0.5)) if inits else "-",
            ms(venv["best_ms"]), ms(lambda_python["best_ms"]) if lambda_python else "-", f"{above[module]:+.1f}",
            heaviest, f"{sizes[module] / 1024:.1f}",
        ))
        targets.append(at_most(f"import above the floor, {module}", above[module], ABOVE_FLOOR_TARGET_MS, "ms"))
        targets.append(at_most(f"code archive {module}", sizes[module] / 1024, ARCHIVE_TARGET_KB, "KB"))
    table = Table(
        "Cold starts (ms) and deployed code archives",
        ("function", "first response p50", "Init Duration p50", f"importtime {_VENV}", "importtime py3.13",
         "above the floor", f"heaviest imports (ms, {_VENV})", "archive KB"),
        rows,
        notes=(
            f"{settings.rounds} cold starts per function; importtime: best of {settings.import_runs} fresh "
            "interpreters, cumulative time of `import <handler>`.",
            f"above the floor: importtime minus `{FLOOR}` (table below) on the same Python, py3.13 (Lambda's) "
            f"when timed; target at most {ABOVE_FLOOR_TARGET_MS:.0f} ms.",
            "first response = Invoke sent -> response received, for a worker started for that call "
            "(process start, imports, the handler's first run with its first AWS clients).",
        ),
    )
    figures = {
        "settings": asdict(settings),
        "import_floor_ms": floor,
        "cold_first_response": {m: Latency.of([i.client_s for i in v]).to_json() for m, v in cold.items()},
        "init_duration_ms": {m: [i.init_ms for i in v] for m, v in cold.items()},
        "importtime_ms": imports,
        "import_above_floor_ms": above,
        "archive_bytes": sizes,
    }
    return Result("cold_start", [table, _floor_table(settings, floor)], figures, targets)


def above_floor(import_ms: dict[str, float], floor: dict[str, dict[str, float]]) -> float:
    """A handler's import time above the floor (``FLOOR``) on Lambda's python3.13 when it was timed, else on this
    venv's Python (``import_ms``: Python -> ms). Only python3.13 imports the archive's bytecode."""
    python = "python3.13" if "python3.13" in import_ms else "venv"
    return import_ms[python] - floor[python][FLOOR]


def _floor_table(settings: Settings, floor: dict[str, dict[str, float]]) -> Table:
    labels = {"venv": _VENV, "python3.13": "py3.13"}
    rows = [(step, *(ms(floor[python][step]) for python in floor)) for step in FLOOR_STEPS]
    return Table(
        "Import floor (ms): the AWS SDK every handler that calls DynamoDB imports, before any code of ours",
        ("what", *(labels[python] for python in floor)),
        rows,
        notes=(
            f"best of {settings.import_runs} fresh interpreters, with process_payment's environment; no handler "
            "that calls DynamoDB imports faster.",
        ),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="cold starts per function")
    parser.add_argument("--import-runs", type=int, default=defaults.import_runs, help="importtime runs per handler")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(rounds=args.rounds, import_runs=args.import_runs)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("cold_start", add_arguments, lambda bench, args: run(bench, settings_from(args)))

