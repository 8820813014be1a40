"""Cold starts: a fresh worker's time to first response, each handler's import time, the code archive size.

- Time to first response: each function's workers are retired (a configuration change makes a new pool, as
  a new version does on Lambda), then the function is invoked with the event the saga would pass it. The
  client time is Invoke sent -> response; Init Duration is what the REPORT log line says the import took.
- ``import <handler>`` timed in a fresh interpreter with the function's environment (this venv's Python and,
  when ./venv-lambda exists, Lambda's python3.13), in the handler's code archive unpacked, with its bytecode for
  python3.13, and nothing written next to it (PYTHONDONTWRITEBYTECODE), as in Lambda's read-only /var/task.
- The floor under those import times: ``import boto3`` and one DynamoDB client (which the idempotency store
  needs), timed the same way; no handler that calls DynamoDB imports faster than this. Each handler import is
  paired with a floor import right before or after it (the order alternates), and a handler's figure is the
  median over rounds of the paired differences: on a shared machine single imports move by more than the
  target from one run to the next, and a pair shares the machine's state of the moment. The figure with a
  target is that difference on Lambda's python3.13 (this venv's Python without venv-lambda; at most 50 ms):
  what our code and its libraries add to what any DynamoDB caller pays.
- With ``--instructions`` (valgrind installed): the same imports counted in instructions, which no other
  tenant of the machine can move: the handler's import above the floor's, as a share of the floor's (the
  interpreter's own start subtracted, no teardown). Where timed pairs range wider than the target, this says
  how far apart two imports really are; it misses what instructions do not show (waiting on files).
- The heaviest imports: one ``python -X importtime`` run per handler, for where to look.
- The deployed archive's size as Lambda reports it (CodeSize; at most 100 KB).

    python -m bench.cold_start [--rounds 3] [--import-runs 9] [--instructions] [--json out.json]
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
# Counted without the interpreter's teardown, which differs with what was imported (a frozen heap is not walked).
_COUNTED = "import os; {code}; os._exit(0)"
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


@dataclass(frozen=True)
class Settings:
    rounds: int = 3
    import_runs: int = 9
    instructions: bool = False


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
        imports = {module: _import_times(stack, module, settings, _unpacked(module, task_roots / module))
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
    """Median of ``runs`` fresh interpreters for each FLOOR_STEPS entry, per Python, in process_payment's
    environment (the SDK reads its region, credentials and endpoint from it). For the floor table only: each
    handler's figure is paired with floor imports of its own."""
    environment = worker_like_environment(stack, ("process_payment",))
    return {
        label: {step: percentile([_timed_once(python, code, environment, HANDLERS_DIR) for _ in range(runs)], 0.5)
                for step, code in FLOOR_STEPS.items()}
        for label, python in _pythons().items()
    }


def _timed_once(python: str, code: str, environment: dict[str, str], cwd: Path) -> float:
    completed = subprocess.run(
        [python, "-c", _TIMED.format(code=code)],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=True,
    )
    return float(completed.stdout.strip())


def _unpacked(module: str, task_root: Path) -> Path:
    """The handler's code archive, as the program builds it for Lambda (bytecode included), unpacked."""
    archive = archive_to_zip(handler_archive(HANDLERS_DIR, module, SHARED_PACKAGES, LAMBDA_RUNTIME))
    with zipfile.ZipFile(io.BytesIO(archive)) as unzipped:
        unzipped.extractall(task_root)
    return task_root


def _import_times(stack: LocalStack, module: str, settings: Settings, task_root: Path) -> dict[str, Any]:
    # Lambda's /var/task is read-only: Python imports the archive's bytecode or compiles, and writes nothing.
    environment = {**worker_like_environment(stack, (module,)), "LAMBDA_TASK_ROOT": str(task_root),
                   "PYTHONDONTWRITEBYTECODE": "1"}
    codes = {"floor": FLOOR_STEPS[FLOOR], "import": f"import {module}"}
    times: dict[str, Any] = {}
    for label, python in _pythons().items():
        pairs = []
        for round_ in range(settings.import_runs):
            order = ("floor", "import") if round_ % 2 == 0 else ("import", "floor")
            timed = {kind: _timed_once(python, codes[kind], environment, task_root) for kind in order}
            pairs.append((timed["floor"], timed["import"]))
        median, low, high = above_floor(pairs)
        times[label] = {
            "median_ms": percentile([imported for _, imported in pairs], 0.5),
            "floor_median_ms": percentile([floor for floor, _ in pairs], 0.5),
            "above_floor_ms": median, "above_floor_range_ms": [low, high], "pairs_ms": pairs,
            "heaviest": _heaviest_imports(python, module, environment, task_root),
        }
    if settings.instructions:  # on the Python of the figure
        label = figure_python(times)
        counted = {kind: count_instructions(_pythons()[label], code, environment, task_root)
                   for kind, code in {"bare": "pass", **codes}.items()}
        times[label]["instructions"] = {
            **counted, "above_floor": share_above_floor(counted["bare"], counted["floor"], counted["import"])}
    return times


def count_instructions(python: str, code: str, environment: dict[str, str], cwd: Path) -> int:
    """Instructions the interpreter runs for ``code`` (valgrind's callgrind), hash seed fixed: the same every run."""
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c", _COUNTED.format(code=code)],
        cwd=cwd, env={**environment, "PYTHONHASHSEED": "0"}, capture_output=True, text=True, timeout=600, check=True,
    )
    return collected_instructions(completed.stderr)


def collected_instructions(valgrind_output: str) -> int:
    match = _COLLECTED.search(valgrind_output)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output: {valgrind_output[-300:]!r}")
    return int(match.group(1))


def share_above_floor(bare: int, floor: int, imported: int) -> float:
    """How many more instructions the import takes than the floor, as a share of the floor's (each without the
    bare interpreter's start)."""
    return (imported - floor) / (floor - bare)


def _heaviest_imports(
    python: str, module: str, environment: dict[str, str], task_root: Path
) -> list[tuple[str, float]]:
    """The three top-level imports of ``module`` with the longest cumulative time (ms), from one -X importtime run."""
    completed = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"],
        cwd=task_root, env=environment, capture_output=True, text=True, timeout=120, check=True,
    )
    top_level: list[tuple[str, float]] = []
    for line in completed.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        cumulative, indent, name = int(match.group(2)), len(match.group(3)), match.group(4)
        if name != module and indent <= 3:  # imported at the top level of some module, not inside another package
            top_level.append((name, cumulative / 1000))
    return sorted(top_level, key=lambda item: -item[1])[:3]


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
        times = imports[module]
        figure = times[figure_python(times)]
        above[module] = figure["above_floor_ms"]
        low, high = figure["above_floor_range_ms"]
        heaviest = ", ".join(f"{name} {value:.0f}" for name, value in times["venv"]["heaviest"])
        rows.append((
            module, ms(first_response.p50_ms), ms(percentile(inits, 0.5)) if inits else "-",
            ms(times["venv"]["median_ms"]), ms(times["python3.13"]["median_ms"]) if "python3.13" in times else "-",
            f"{above[module]:+.1f} [{low:+.0f} to {high:+.0f}]",
            f"{100 * figure['instructions']['above_floor']:+.1f}%" if "instructions" in figure else "-",
            heaviest, f"{sizes[module] / 1024:.1f}",
        ))
        targets.append(at_most(f"import above the floor, {module}", above[module], ABOVE_FLOOR_TARGET_MS, "ms"))
        targets.append(at_most(f"code archive {module}", sizes[module] / 1024, ARCHIVE_TARGET_KB, "KB"))
    table = Table(
        "Cold starts (ms) and deployed code archives",
        ("function", "first response p50", "Init Duration p50", f"import {_VENV}", "import py3.13",
         "above the floor [range]", "instructions above the floor", f"heaviest imports (ms, {_VENV})",
         "archive KB"),
        rows,
        notes=(
            f"{settings.rounds} cold starts per function; import: median of {settings.import_runs} fresh "
            "interpreters, `import <handler>`.",
            f"above the floor: median [range] of {settings.import_runs} paired differences, each import minus "
            f"`{FLOOR}` timed right before or after it, on py3.13 (Lambda's) when timed; target at most "
            f"{ABOVE_FLOOR_TARGET_MS:.0f} ms.",
            "instructions above the floor: the same two imports counted by valgrind (--instructions), as a share "
            "of the floor's; the same in every run.",
            "heaviest imports: cumulative, one `-X importtime` run.",
            "first response = Invoke sent -> response received, for a worker started for that call "
            "(process start, imports, the handler's first run with its first AWS clients).",
        ),
    )
    figures = {
        "settings": asdict(settings),
        "import_floor_ms": floor,
        "cold_first_response": {m: Latency.of([i.client_s for i in v]).to_json() for m, v in cold.items()},
        "init_duration_ms": {m: [i.init_ms for i in v] for m, v in cold.items()},
        "import_ms": imports,
        "import_above_floor_ms": above,
        "archive_bytes": sizes,
    }
    return Result("cold_start", [table, _floor_table(settings, floor)], figures, targets)


def above_floor(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """The median and range of a handler's import time above the floor, from (floor, import) pairs timed side
    by side."""
    differences = [imported - floor for floor, imported in pairs]
    return percentile(differences, 0.5), min(differences), max(differences)


def figure_python(times: dict[str, Any]) -> str:
    """Lambda's python3.13 when it was timed (the only one that imports the archive's bytecode), else this venv's."""
    return "python3.13" if "python3.13" in times else "venv"


def _floor_table(settings: Settings, floor: dict[str, dict[str, float]]) -> Table:
    labels = {"venv": _VENV, "python3.13": "py3.13"}
    rows = [(step, *(ms(floor[python][step]) for python in floor)) for step in FLOOR_STEPS]
    return Table(
        "Import floor (ms): the AWS SDK every handler that calls DynamoDB imports, before any code of ours",
        ("what", *(labels[python] for python in floor)),
        rows,
        notes=(
            f"median of {settings.import_runs} fresh interpreters, with process_payment's environment; no handler "
            "that calls DynamoDB imports faster. Each handler's figure pairs floor imports of its own.",
        ),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="cold starts per function")
    parser.add_argument("--import-runs", type=int, default=defaults.import_runs,
                        help="paired (floor, handler) imports per handler and Python")
    parser.add_argument("--instructions", action=_NeedsValgrind, nargs=0, default=False,
                        help="also count each import's instructions with valgrind (about a minute per handler)")


class _NeedsValgrind(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *_: Any) -> None:
        if shutil.which("valgrind") is None:
            parser.error("--instructions counts with valgrind, which is not installed (Debian: apt install valgrind)")
        setattr(namespace, self.dest, True)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(rounds=args.rounds, import_runs=args.import_runs, instructions=args.instructions)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("cold_start", add_arguments, lambda bench, args: run(bench, settings_from(args)))

