"""What each emulator speed-up buys a developer: happy saga p50, `make demo` time, test-suite time, with and without it.

The speed-ups are the emulator's extensions of kind speed-up (emulator.speedups.EXTENSIONS). Paired alternation:
for each speed-up in turn (and then all of them), every round measures the emulator as shipped and, right after,
with that speed-up left out (EMULATOR_SPEEDUPS_OFF=<name>; `a+b`: both together; all: EMULATOR_SPEEDUPS=off), so
that each pair shares the machine's state of the moment. Each figure is the median over rounds of the paired
changes (the machine is shared: single runs move by ±20%), with their range.

    python -m bench.speedups [--rounds 3] [--sequential 30] [--demo] [--tests tests/e2e ...] [--only a,b+c,all-off]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.cli import stop_cleanly_on_sigterm
from bench.cpu import cpu_now
from bench.executions import run_standard
from bench.harness import DEFAULT_STACK, BenchRun, bench_run
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
# The emulator's CPU per saga stands beside the p50: it moves far less when others load the machine.
METRICS = {"p50_ms": "happy saga p50 ms", "cpu_ms": "emulator CPU ms per saga", "demo_s": "demo s",
           "tests_s": "tests s"}


def speedup_names() -> list[str]:
    return [extension.name for extension in EXTENSIONS if extension.kind is Kind.SPEED_UP]


def environment_for(config: str) -> dict[str, str]:
    """The emulator's switches for a configuration, both always set (none inherited from the caller's shell)."""
    if config == SHIPPED:
        return {ALL_VARIABLE: "on", OFF_VARIABLE: ""}
    if config == ALL_OFF:
        return {ALL_VARIABLE: "off", OFF_VARIABLE: ""}
    return {ALL_VARIABLE: "on", OFF_VARIABLE: ",".join(config.split("+"))}  # a+b: both left out together


def happy_saga(config: str, sequential: int) -> dict[str, float]:
    """Happy sagas one at a time on a fresh emulator in this configuration: see one_at_a_time."""
    with bench_run(DEFAULT_STACK, LAMBDA_POOL_SIZE, environment_for(config)) as bench:
        return one_at_a_time(bench, sequential)


def one_at_a_time(bench: BenchRun, sequential: int) -> dict[str, float]:
    """Happy sagas one at a time, after every path ran a few times: their p50 and the emulator's CPU per saga."""
    factory = bench.order_factory()
    sfn, checkout = bench.stack.clients.stepfunctions, bench.stack.checkout_arn
    run_standard(sfn, checkout, [(path, factory.order(path)) for path in SagaPath
                                 for _ in range(WARM_UP_PER_PATH)], 1)
    happy = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, sequential)]
    before = cpu_now(bench.emulator_pid)
    finished, _ = run_standard(sfn, checkout, happy, 1)
    cpu = (cpu_now(bench.emulator_pid) - before).per(len(finished))
    return {"p50_ms": Latency.of([f.duration_s for f in finished]).p50_ms, "cpu_ms": cpu["emulator_ms"]}


def command_seconds(config: str, command: list[str]) -> float:
    env = {**os.environ, **environment_for(config)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed under {config}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def paired_change(pairs: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(median as shipped, median change, lowest change, highest change) of (shipped, without) pairs; a change is
    a fraction: 0.25 is 25% more without the speed-up."""
    changes = sorted((without - shipped) / shipped for shipped, without in pairs)
    return statistics.median(shipped for shipped, _ in pairs), statistics.median(changes), changes[0], changes[-1]


def comparison_table(pairs: dict[str, dict[str, list[tuple[float, float]]]]) -> Table:
    """One row per configuration: for each metric, the median as shipped and the paired change without it."""
    metrics = [name for name in METRICS if any(name in measured for measured in pairs.values())]
    rows = []
    for config, measured in pairs.items():
        row = [_label(config)]
        for name in metrics:
            if name not in measured:
                row.append("-")
                continue
            shipped, change, low, high = paired_change(measured[name])
            row.append(f"{100 * change:+.0f}% [{100 * low:+.0f}% to {100 * high:+.0f}%] of {shipped:.1f}")
        rows.append(row)
    return Table("What each speed-up buys: the change without it, paired with a run as shipped (median of rounds "
                 "[range]) of the median as shipped", ["emulator", *(METRICS[name] for name in metrics)], rows)


def _label(config: str) -> str:
    return "all speed-ups off" if config == ALL_OFF else f"without {config}"


def measure(what: str, config: str, args: argparse.Namespace) -> dict[str, float]:
    if what == "saga":
        return happy_saga(config, args.sequential)
    if what == "demo":
        demo = [sys.executable, "-m", "sagactl", "demo", "--port", str(free_port("127.0.0.1"))]
        return {"demo_s": command_seconds(config, demo)}
    tests = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.tests]
    return {"tests_s": command_seconds(config, tests)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speedups", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=30, help="happy sagas one at a time per measurement")
    parser.add_argument("--only", help=f"comma-separated speed-ups (a+b: left out together), or {ALL_OFF} "
                                          f"(default: each, then {ALL_OFF})")
    parser.add_argument("--no-p50", action="store_true", help="skip the saga latency")
    parser.add_argument("--demo", action="store_true", help="also time `python -m sagactl demo`")
    parser.add_argument("--tests", nargs="*", help="also time pytest on these paths")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    known = [*speedup_names(), ALL_OFF]
    chosen = args.only.split(",") if args.only else known
    unknown = [name for config in chosen for name in config.split("+") if name not in known]
    if unknown:
        parser.error(f"--only: no speed-up {', '.join(unknown)}; choose from {', '.join(known)}")
    if args.no_p50 and not args.demo and not args.tests:
        parser.error("nothing to measure: --no-p50 needs --demo or --tests")
    stop_cleanly_on_sigterm()
    pairs: dict[str, dict[str, list[tuple[float, float]]]] = {config: {} for config in chosen}
    for round_number in range(args.rounds):
        for config in chosen:
            progress(f"bench speedups: round {round_number + 1}, {_label(config)} ...")
            for what, wanted in (("saga", not args.no_p50), ("demo", args.demo), ("tests", bool(args.tests))):
                if not wanted:
                    continue
                shipped, without = measure(what, SHIPPED, args), measure(what, config, args)
                for name in shipped:
                    pairs[config].setdefault(name, []).append((shipped[name], without[name]))
                    progress(f"  {METRICS[name]}: as shipped {shipped[name]:.1f}, {_label(config)} {without[name]:.1f}")
    print(comparison_table(pairs).text())
    if args.json:
        write_json(args.json, {"pairs": pairs, "rounds": args.rounds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
