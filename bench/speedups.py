"""What each emulator speed-up buys a developer: happy saga p50, `make demo` time, test-suite time, with and without it.

Alternation: every round measures the emulator as shipped, then with one speed-up left out, for each speed-up in
turn (and with all of them left out), so that the machine's drift lands on both sides alike. Figures are the
median over rounds.

    python -m bench.speedups [--rounds 3] [--sequential 30] [--demo] [--tests tests/e2e ...] [--only a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.cli import stop_cleanly_on_sigterm
from bench.cpu import cpu_now
from bench.executions import run_standard
from bench.harness import PROJECT_ROOT, bench_stack
from bench.report import Table, write_json
from bench.stats import Latency
from emulator.performance import OFF_VARIABLE, SPEEDUPS, SWITCH_VARIABLE
from emulator.ports import free_port
from sagactl.cost.orders import OrderFactory, SagaPath
from sagactl.local_stack import progress

ALL_ON = "as shipped"
ALL_OFF = "all speed-ups off"


def environment_for(config: str) -> dict[str, str]:
    if config == ALL_ON:
        return {}
    if config == ALL_OFF:
        return {SWITCH_VARIABLE: "off"}
    return {OFF_VARIABLE: config}


def happy_saga(config: str, sequential: int) -> tuple[float, float]:
    """(p50 ms, emulator CPU ms per saga) of happy sagas one at a time, warm."""
    with bench_stack("prod", 4, environment_for(config)) as stack:
        factory = OrderFactory(stack)
        sfn = stack.clients.stepfunctions
        run_standard(sfn, stack.checkout_arn, [(path, factory.order(path)) for path in SagaPath for _ in range(3)], 1)
        run_standard(sfn, stack.checkout_arn, [(SagaPath.HAPPY, o) for o in factory.orders(SagaPath.HAPPY, 10)], 1)
        before = cpu_now(stack.emulator_pid)
        finished, _ = run_standard(sfn, stack.checkout_arn, [(SagaPath.HAPPY, o) for o in
                                                             factory.orders(SagaPath.HAPPY, sequential)], 1)
        cpu = (cpu_now(stack.emulator_pid) - before).per(len(finished))
        return Latency.of([f.duration_s for f in finished]).p50_ms, cpu["emulator_ms"]


def command_seconds(config: str, command: list[str]) -> float:
    env = {**os.environ, **environment_for(config)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed under {config}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speedups", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=30, help="happy sagas one at a time per measurement")
    parser.add_argument("--only", help="comma-separated speed-ups (default: all, and all off)")
    parser.add_argument("--no-p50", action="store_true", help="skip the saga latency")
    parser.add_argument("--demo", action="store_true", help="also time `python -m sagactl demo`")
    parser.add_argument("--tests", nargs="*", help="also time pytest on these paths")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    chosen = args.only.split(",") if args.only else [*SPEEDUPS, ALL_OFF]
    configs = [ALL_ON, *chosen]
    figures: dict[str, dict[str, list[float]]] = {config: {} for config in configs}
    for round_number in range(args.rounds):
        for config in configs:
            progress(f"bench speedups: round {round_number + 1}, {config} ...")
            measured = figures[config]
            if not args.no_p50:
                p50_ms, cpu_ms = happy_saga(config, args.sequential)
                measured.setdefault("p50_ms", []).append(p50_ms)
                measured.setdefault("cpu_ms", []).append(cpu_ms)
            if args.demo:
                demo = [sys.executable, "-m", "sagactl", "demo", "--port", str(free_port("127.0.0.1"))]
                measured.setdefault("demo_s", []).append(command_seconds(config, demo))
            if args.tests:
                pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.tests]
                measured.setdefault("tests_s", []).append(command_seconds(config, pytest))
            progress(f"  {json.dumps({k: [round(v, 1) for v in vs] for k, vs in measured.items()})}")
    table = _table(figures, configs)
    print(table.text())
    if args.json:
        write_json(args.json, {"figures": figures, "rounds": args.rounds})
    return 0


def _table(figures: dict[str, dict[str, list[float]]], configs: list[str]) -> Table:
    metrics = [name for name in ("p50_ms", "cpu_ms", "demo_s", "tests_s") if figures[ALL_ON].get(name)]
    base = {name: statistics.median(figures[ALL_ON][name]) for name in metrics}
    rows: list[list[Any]] = []
    for config in configs:
        row: list[Any] = [config if config in (ALL_ON, ALL_OFF) else f"without {config}"]
        for name in metrics:
            value = statistics.median(figures[config][name])
            spread = f"{min(figures[config][name]):.1f}-{max(figures[config][name]):.1f}"
            delta = "" if config == ALL_ON else f" ({100 * (value - base[name]) / base[name]:+.0f}%)"
            row.append(f"{value:.1f}{delta} [{spread}]")
        rows.append(row)
    labels = {"p50_ms": "happy saga p50 ms", "cpu_ms": "emulator CPU ms per saga", "demo_s": "demo s",
              "tests_s": "tests s"}
    headers = ["emulator", *(labels[name] for name in metrics)]
    return Table("What each speed-up buys (median over rounds, change against as shipped, [min-max])", headers, rows)


if __name__ == "__main__":
    sys.exit(main())
