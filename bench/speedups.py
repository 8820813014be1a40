"""What each emulator speed-up buys a developer: happy saga p50, `make demo` time, test-suite time, with and without it.

The speed-ups are the emulator's extensions of kind speed-up (emulator.speedups.EXTENSIONS). Alternation: every
round measures the emulator as shipped, then with one speed-up left out (EMULATOR_SPEEDUPS_OFF=<name>), for each
speed-up in turn, then with all of them left out (EMULATOR_SPEEDUPS=off), so that the machine's drift lands on
every side alike. Each figure is the median over rounds, with its change against as shipped and its range.

    python -m bench.speedups [--rounds 3] [--sequential 30] [--demo] [--tests tests/e2e ...] [--only a,b,all-off]
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

from bench.cli import stop_cleanly_on_sigterm
from bench.executions import run_standard
from bench.harness import DEFAULT_STACK, bench_run
from bench.report import Table, write_json
from bench.stats import Latency
from devstack.emulator_process import PROJECT_ROOT
from emulator.moto_seams import Kind
from emulator.ports import free_port
from emulator.speedups import ALL_VARIABLE, EXTENSIONS, OFF_VARIABLE
from sagactl import progress
from sagactl.cost.orders import SagaPath

SHIPPED = "shipped"
ALL_OFF = "all-off"
LAMBDA_POOL_SIZE = 4  # one saga at a time
WARM_UP_PER_PATH = 3
METRICS = {"p50_ms": "happy saga p50 ms", "demo_s": "demo s", "tests_s": "tests s"}


def speedup_names() -> list[str]:
    return [extension.name for extension in EXTENSIONS if extension.kind is Kind.SPEED_UP]


def environment_for(config: str) -> dict[str, str]:
    """The emulator's switches for a configuration, both always set (none inherited from the caller's shell)."""
    if config == SHIPPED:
        return {ALL_VARIABLE: "on", OFF_VARIABLE: ""}
    if config == ALL_OFF:
        return {ALL_VARIABLE: "off", OFF_VARIABLE: ""}
    return {ALL_VARIABLE: "on", OFF_VARIABLE: config}


def happy_p50_ms(config: str, sequential: int) -> float:
    """Happy sagas one at a time on a fresh emulator in this configuration, after every path ran a few times."""
    with bench_run(DEFAULT_STACK, LAMBDA_POOL_SIZE, environment_for(config)) as bench:
        factory = bench.order_factory()
        sfn, checkout = bench.stack.clients.stepfunctions, bench.stack.checkout_arn
        run_standard(sfn, checkout, [(path, factory.order(path)) for path in SagaPath
                                     for _ in range(WARM_UP_PER_PATH)], 1)
        happy = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, sequential)]
        finished, _ = run_standard(sfn, checkout, happy, 1)
        return Latency.of([f.duration_s for f in finished]).p50_ms


def command_seconds(config: str, command: list[str]) -> float:
    env = {**os.environ, **environment_for(config)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed under {config}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def median_change(values: list[float], shipped: list[float]) -> tuple[float, float]:
    """The median of ``values`` and its change against the median of ``shipped`` (a fraction: 0.25 is 25% more)."""
    value, base = statistics.median(values), statistics.median(shipped)
    return value, (value - base) / base


def comparison_table(figures: dict[str, dict[str, list[float]]], configs: list[str]) -> Table:
    """One row per configuration (``configs[0]`` is as shipped): each metric's median, change and [min-max]."""
    metrics = [name for name in METRICS if figures[SHIPPED].get(name)]
    rows = []
    for config in configs:
        row = [_label(config)]
        for name in metrics:
            samples = figures[config][name]
            value, change = median_change(samples, figures[SHIPPED][name])
            delta = "" if config == SHIPPED else f" ({100 * change:+.0f}%)"
            row.append(f"{value:.1f}{delta} [{min(samples):.1f}-{max(samples):.1f}]")
        rows.append(row)
    return Table("What each speed-up buys (median over rounds, change against as shipped, [min-max])",
                 ["emulator", *(METRICS[name] for name in metrics)], rows)


def _label(config: str) -> str:
    return {SHIPPED: "as shipped", ALL_OFF: "all speed-ups off"}.get(config, f"without {config}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speedups", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=30, help="happy sagas one at a time per measurement")
    parser.add_argument("--only", help=f"comma-separated speed-ups, or {ALL_OFF} (default: each, then {ALL_OFF})")
    parser.add_argument("--no-p50", action="store_true", help="skip the saga latency")
    parser.add_argument("--demo", action="store_true", help="also time `python -m sagactl demo`")
    parser.add_argument("--tests", nargs="*", help="also time pytest on these paths")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    known = [*speedup_names(), ALL_OFF]
    chosen = args.only.split(",") if args.only else known
    unknown = [name for name in chosen if name not in known]
    if unknown:
        parser.error(f"--only: no speed-up {', '.join(unknown)}; choose from {', '.join(known)}")
    if args.no_p50 and not args.demo and not args.tests:
        parser.error("nothing to measure: --no-p50 needs --demo or --tests")
    stop_cleanly_on_sigterm()
    configs = [SHIPPED, *chosen]
    figures: dict[str, dict[str, list[float]]] = {config: {} for config in configs}
    for round_number in range(args.rounds):
        for config in configs:
            progress(f"bench speedups: round {round_number + 1}, {_label(config)} ...")
            measured = figures[config]
            if not args.no_p50:
                measured.setdefault("p50_ms", []).append(happy_p50_ms(config, args.sequential))
            if args.demo:
                demo = [sys.executable, "-m", "sagactl", "demo", "--port", str(free_port("127.0.0.1"))]
                measured.setdefault("demo_s", []).append(command_seconds(config, demo))
            if args.tests:
                pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.tests]
                measured.setdefault("tests_s", []).append(command_seconds(config, pytest))
            progress(f"  {json.dumps({k: [round(v, 1) for v in vs] for k, vs in measured.items()})}")
    print(comparison_table(figures, configs).text())
    if args.json:
        write_json(args.json, {"figures": figures, "rounds": args.rounds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
