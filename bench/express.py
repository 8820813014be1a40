"""Order validation through the Express workflow (StartSyncExecution) vs the handler called directly.

- Express: N validations at concurrency C through ``start-sync-execution`` (what the storefront calls): the
  latency the client sees (p50/p95/p99: the call is synchronous), the billed duration AWS would charge
  (billingDetails), and, as information without a target, validations/s and CPU per validation;
- direct: the same handler (validate_order) called in-process (a fresh process, see direct_chain), one at a time.

    python -m bench.express [--validations 1000] [--concurrency 16] [--json out.json]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from bench.cpu import cpu_now
from bench.direct_chain import run_direct
from bench.harness import BenchRun
from bench.report import Result, Table
from bench.stats import Latency, ms
from devstack.executions import SyncResult, start_sync_execution
from sagactl.cost.orders import SagaPath

WARM_UP = 32


@dataclass(frozen=True)
class Settings:
    validations: int = 1000
    concurrency: int = 16


def run(bench: BenchRun, settings: Settings) -> Result:
    orders = bench.order_factory().orders(SagaPath.HAPPY, settings.validations + WARM_UP)
    sfn, validation = bench.stack.clients.stepfunctions, bench.stack.validation_arn
    bench.warm_workers(("validate_order",), settings.concurrency)  # no cold start inside the measured window
    validate_all(sfn, validation, orders[:WARM_UP], settings.concurrency)

    cpu_before = cpu_now(bench.emulator_pid)
    validated, wall_s = validate_all(sfn, validation, orders[WARM_UP:], settings.concurrency)
    cpu = (cpu_now(bench.emulator_pid) - cpu_before).per(len(validated))

    direct = run_direct(bench.stack, "validate", orders, WARM_UP)
    return _result(settings, validated, wall_s, cpu, direct, sum(direct))


def validate_all(
    sfn: Any, state_machine_arn: str, orders: list[dict[str, Any]], concurrency: int
) -> tuple[list[SyncResult], float]:
    """Every order through StartSyncExecution, ``concurrency`` at a time; the results and the wall time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        validated = list(pool.map(lambda order: start_sync_execution(sfn, state_machine_arn, order), orders))
    return validated, time.perf_counter() - started


def _result(
    settings: Settings,
    validated: list[SyncResult],
    wall_s: float,
    cpu: dict[str, float],
    direct: list[float],
    direct_wall_s: float,
) -> Result:
    rate = len(validated) / wall_s
    express = Latency.of([v.duration_s for v in validated])
    direct_latency = Latency.of(direct)
    direct_rate = len(direct) / direct_wall_s
    failed = sum(v.status != "SUCCEEDED" for v in validated)
    billed = sorted(v.billed_duration_ms for v in validated if v.billed_duration_ms is not None)
    table = Table(
        "Order validation: Express start-sync-execution vs a direct handler call",
        ("how", "concurrency", "validations", "validations/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms each"),
        [
            ("start-sync-execution (Express)", settings.concurrency, len(validated), f"{rate:.0f}",
             ms(express.p50_ms), ms(express.p95_ms), ms(express.p99_ms), ms(cpu["total_ms"])),
            ("validate_order called in-process", 1, len(direct), f"{direct_rate:.0f}",
             ms(direct_latency.p50_ms), ms(direct_latency.p95_ms), ms(direct_latency.p99_ms), "-"),
        ],
        notes=(
            "p50/p95/p99: the call as the client sees it (StartSyncExecution answers when the execution ended).",
            "validations/s and CPU: information, no target. Express CPU per validation: emulator "
            f"{ms(cpu['emulator_ms'])} ms, Lambda worker {ms(cpu['workers_ms'])} ms, load generator "
            f"{ms(cpu['client_ms'])} ms.",
            f"billed duration (100 ms increments): {billed[len(billed) // 2] if billed else '-'} ms at p50; "
            f"{failed} of {len(validated)} did not succeed.",
        ),
    )
    figures = {
        "settings": asdict(settings),
        "express": {"per_second": rate, "latency": express.to_json(), "cpu_per_validation": cpu,
                    "billed_ms": billed, "not_succeeded": failed},
        "direct": {"per_second": direct_rate, "latency": direct_latency.to_json()},
    }
    return Result("express", [table], figures)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--validations", type=int, default=defaults.validations)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(validations=args.validations, concurrency=args.concurrency)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("express", add_arguments, lambda bench, args: run(bench, settings_from(args)))
