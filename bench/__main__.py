"""``python -m bench``: every benchmark and the cost model, on one emulator, in one run; tables, then the targets.

    python -m bench                         all of them (a few minutes), tables on stdout
    python -m bench --json out/bench/latest.json --markdown out/bench/latest.md
    python -m bench --only sagas,express    a subset of: idempotency, cost, sagas, express, cold_start

What each measures: its module's docstring (bench/<name>.py; cost: sagactl/cost/measure.py). Order: idempotency
and cost first (they meter single calls, on a quiet emulator), then the sagas and the Express validations,
cold starts last (they replace warm workers). What each emulator speed-up buys is measured apart, side by side
in alternation: ``python -m bench.speedups``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import cold_start, express, idempotency, sagas
from bench.cli import add_stack_arguments, stop_cleanly_on_sigterm
from bench.cpu import run_tree_seconds, system_busy_seconds
from bench.harness import BenchRun, bench_run
from bench.report import Result, Table, targets_table, write_json
from sagactl import progress
from sagactl.cost.measure import measure
from sagactl.cost.model import MILLION, bill
from sagactl.cost.prices import load_prices
from sagactl.cost.report import cost_tables

ALL = ("idempotency", "cost", "sagas", "express", "cold_start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stack_arguments(parser)
    parser.add_argument("--markdown", type=Path, help="also write the tables as markdown (for docs/performance.md)")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument("--cost-executions", type=int, default=10, help="happy executions per design for the bill")
    sagas.add_arguments(parser)
    parser.add_argument("--validations", type=int, default=express.Settings().validations)
    parser.add_argument("--validation-concurrency", type=int, default=express.Settings().concurrency)
    parser.add_argument("--rounds", type=int, default=cold_start.Settings().rounds, help="cold starts per function")
    parser.add_argument("--import-runs", type=int, default=cold_start.Settings().import_runs,
                        help="importtime runs per handler")
    parser.add_argument("--orders", type=int, default=idempotency.Settings().orders,
                        help="orders whose handler calls idempotency meters")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(ALL)
    if unknown:
        parser.error(f"--only: no benchmark {', '.join(sorted(unknown))}; choose from {','.join(ALL)}")
    stop_cleanly_on_sigterm()
    chosen = [name for name in ALL if name in args.only.split(",")]

    machine = machine_description()
    results: list[Result] = []
    started = time.time()
    progress(f"bench: starting the emulator and deploying '{args.stack}' ...")
    with bench_run(args.stack, args.lambda_pool_size) as bench:
        busy_before, ours_before = system_busy_seconds(), run_tree_seconds(bench.emulator_pid)
        for name in chosen:
            progress(f"bench: {name} ...")
            if name == "idempotency":
                results.append(idempotency.run(bench, idempotency.Settings(orders=args.orders)))
            elif name == "cost":
                results.append(_cost(bench, args.cost_executions))
            elif name == "sagas":
                results.append(sagas.run(bench, sagas.settings_from(args)))
            elif name == "express":
                results.append(express.run(bench, express.Settings(args.validations, args.validation_concurrency)))
            elif name == "cold_start":
                results.append(cold_start.run(bench, cold_start.Settings(args.rounds, args.import_runs)))
        busy = system_busy_seconds() - busy_before
        others = max(busy - (run_tree_seconds(bench.emulator_pid) - ours_before), 0.0)
    elapsed = time.time() - started
    # Other processes on the machine take CPU from the run: the share says how much the figures suffered.
    machine["other_processes_cpu_share"] = round(others / busy, 3) if busy else 0.0
    machine["load_average_at_end"] = Path("/proc/loadavg").read_text().split()[:3]

    print(_machine_table(machine, elapsed).text(), end="\n\n")
    for result in results:
        result.print()
    print(targets_table(results).text())
    payload = {"machine": machine, "elapsed_s": elapsed, "stack": args.stack,
               "results": [result.to_json() for result in results]}
    if args.json:
        write_json(args.json, payload)
    if args.markdown:
        tables = [_machine_table(machine, elapsed), *(t for r in results for t in r.tables), targets_table(results)]
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n\n".join(table.markdown() for table in tables) + "\n")
    return 0


def _cost(bench: BenchRun, executions: int) -> Result:
    prices = load_prices()
    measurement = measure(bench.stack, bench.skus, executions, progress)
    tables = [Table(t.title, t.headers, t.rows, t.notes) for t in cost_tables(measurement, prices)]
    bills = {key: bill(b, prices, MILLION).to_json() for key, b in measurement.behaviours.items()}
    figures = {"measurement": measurement.to_json(), "bills_per_million": bills}
    return Result("cost", tables, figures, [])


def machine_description() -> dict[str, Any]:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    fields = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:")), 0)
    return {
        "cpu": fields.get("Model name", platform.processor()).strip(),
        "cpus": int(fields.get("CPU(s)", "0").strip() or 0),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def _machine_table(machine: dict[str, Any], elapsed: float) -> Table:
    return Table("Machine", ("CPU", "CPUs", "memory", "Python", "load average (start / end)",
                             "CPU used by other processes", "run took"),
                 [(machine["cpu"], machine["cpus"], f"{machine['memory_gb']} GB", machine["python"],
                   f"{' '.join(machine['load_average_at_start'])} / "
                   f"{' '.join(machine.get('load_average_at_end', []))}",
                   f"{100 * machine.get('other_processes_cpu_share', 0):.0f}%", f"{elapsed:.0f} s")])


if __name__ == "__main__":
    sys.exit(main())
