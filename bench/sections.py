"""Where the emulator's CPU goes: thread CPU time per code section, per Express validation and per happy saga.

The emulator runs with bench/cpu_sections on its path (a ``sitecustomize`` that wraps the sections listed
there and adds up ``time.thread_time()`` of each call, inclusive of the sections it calls). Counting runs only
while the load does. Sampling profilers mislead here: with dozens of threads waiting on locks and the GIL,
py-spy's "active" samples landed on waits (``--gil`` blames the last holder of an idle GIL); thread CPU time
counts only what a thread ran.

    python -m bench.sections [--validations 2000] [--concurrency 16] [--sagas 200] [--json out.json]

Sections nest (a request contains the handler it calls); the wrappers themselves add a few microseconds per
call. Not part of ``python -m bench``: the wrappers slow the emulator down a little.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.cli import add_stack_arguments, stop_cleanly_on_sigterm
from bench.direct_chain import MODULES
from bench.executions import run_standard
from bench.express import validate_all
from bench.harness import BenchStack, bench_stack
from bench.report import Result, Table, write_json
from sagactl.cost.orders import OrderFactory, SagaPath
from sagactl.local_stack import progress

SITECUSTOMIZE_DIR = Path(__file__).resolve().parent / "cpu_sections"
WARM_UP = 100


@dataclass(frozen=True)
class Settings:
    validations: int = 2000
    concurrency: int = 16
    sagas: int = 200
    saga_concurrency: int = 8


def emulator_environment(output: Path) -> dict[str, str]:
    path = os.pathsep.join(filter(None, (str(SITECUSTOMIZE_DIR), os.environ.get("PYTHONPATH"))))
    return {"PYTHONPATH": path, "BENCH_CPU_SECTIONS_OUT": str(output)}


def counted(stack: BenchStack, output: Path, load: Callable[[], int]) -> dict[str, Any]:
    """Runs ``load`` (returns how many operations it ran) with the sections counted; their CPU per operation."""
    os.kill(stack.emulator_pid, signal.SIGUSR1)
    time.sleep(0.5)  # the signal handler runs between two bytecodes of the emulator's main thread
    operations = load()
    os.kill(stack.emulator_pid, signal.SIGUSR2)
    for _ in range(100):
        time.sleep(0.1)
        if output.exists() and output.stat().st_size:
            break
    report = json.loads(output.read_text())
    output.unlink()
    per = 1000 / max(operations, 1)
    return {
        "operations": operations,
        "process_ms": report["process_seconds"] * per,
        "sections": {label: {"ms": seconds * per, "calls": calls / max(operations, 1)}
                     for label, (seconds, calls) in report["sections"].items()},
        "missing": report["missing"],
    }


def run(stack: BenchStack, output: Path, settings: Settings) -> Result:
    factory = OrderFactory(stack)
    sfn = stack.clients.stepfunctions
    stack.warm_workers(MODULES, settings.saga_concurrency)  # no cold start inside a counted window
    stack.warm_workers(("validate_order",), settings.concurrency)
    orders = factory.orders(SagaPath.HAPPY, settings.validations + WARM_UP)
    validate_all(sfn, stack.validation_arn, orders[:WARM_UP], settings.concurrency)

    def validations() -> int:
        return len(validate_all(sfn, stack.validation_arn, orders[WARM_UP:], settings.concurrency)[0])

    express = counted(stack, output, validations)
    work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, settings.sagas)]

    def sagas() -> int:
        return len(run_standard(sfn, stack.checkout_arn, work, settings.saga_concurrency)[0])

    saga = counted(stack, output, sagas)
    tables = [
        _table(f"Emulator CPU per Express validation (concurrency {settings.concurrency}), ms", express),
        _table(f"Emulator CPU per happy saga (concurrency {settings.saga_concurrency}), ms", saga),
    ]
    return Result("sections", tables, {"settings": asdict(settings), "express": express, "saga": saga})


def _table(title: str, counted_run: dict[str, Any]) -> Table:
    sections = sorted(counted_run["sections"].items(), key=lambda item: -item[1]["ms"])
    rows = [(label, f"{figures['ms']:.3f}", f"{figures['calls']:.1f}") for label, figures in sections]
    notes = [
        f"emulator process CPU: {counted_run['process_ms']:.2f} ms per operation, "
        f"{counted_run['operations']} operations; sections are inclusive (a request contains what it calls).",
    ]
    if counted_run["missing"]:
        notes.append("not found in this moto/emulator (not counted): " + ", ".join(counted_run["missing"]))
    return Table(title, ("section (thread CPU, inclusive)", "ms per operation", "calls per operation"), rows, notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sections", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stack_arguments(parser)
    defaults = Settings()
    parser.add_argument("--validations", type=int, default=defaults.validations)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--sagas", type=int, default=defaults.sagas)
    parser.add_argument("--saga-concurrency", type=int, default=defaults.saga_concurrency)
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    settings = Settings(args.validations, args.concurrency, args.sagas, args.saga_concurrency)
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "sections.json"
        progress(f"bench sections: starting the emulator (sections counted) and deploying '{args.stack}' ...")
        with bench_stack(args.stack, args.lambda_pool_size, emulator_env=emulator_environment(output)) as stack:
            progress("bench sections: running ...")
            result = run(stack, output, settings)
    result.print()
    if args.json:
        write_json(args.json, result.to_json())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
