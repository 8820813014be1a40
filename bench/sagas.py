"""Checkout sagas on the emulator vs the same handlers chained in-process: latency per path, orchestration overhead.

All on one deployed stack, warm (every path runs a few times first):
- latency per path: sagas one at a time, each path (happy, out of stock, declined, invalid), p50/p95/p99 of the
  duration Step Functions records (startDate to stopDate);
- direct chain: ValidateOrder -> ProcessPayment -> ReserveInventory -> ConfirmOrder called directly, in a fresh
  process (bench.direct_chain); the orchestration overhead is the happy saga's p50 over the direct chain's p50,
  both one at a time (target: at most 3x);
- under load, as information (no target; ``--sagas 0`` skips it): happy sagas at concurrency C, their latency,
  sagas/s and CPU per saga.

    python -m bench.sagas [--sequential 40] [--sagas 200] [--concurrency 8] [--json out.json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import Any

from bench.cpu import cpu_now
from bench.direct_chain import MODULES, run_direct
from bench.executions import Finished, run_standard, wrong_outcomes
from bench.harness import BenchRun
from bench.report import Result, Table, at_most
from bench.stats import Latency, ms
from sagactl.cost.orders import EXPECTED_OUTCOME, OrderFactory, SagaPath

OVERHEAD_TARGET = 3.0
WARM_UP_PER_PATH = 3


@dataclass(frozen=True)
class Settings:
    sequential: int = 40
    sagas: int = 200
    concurrency: int = 8


@dataclass(frozen=True)
class UnderLoad:
    finished: list[Finished]
    wall_s: float
    cpu_ms: dict[str, float]  # per saga, by process group (bench.cpu)


def overhead_ratio(saga_p50_ms: float, direct_p50_ms: float) -> float:
    """How many times the direct chain's time a saga takes: what the orchestration adds, as a factor."""
    return saga_p50_ms / direct_p50_ms


def run(bench: BenchRun, settings: Settings) -> Result:
    factory = bench.order_factory()
    sfn = bench.stack.clients.stepfunctions
    checkout = bench.stack.checkout_arn
    _warm_up(bench, factory, settings)

    per_path: dict[SagaPath, list[Finished]] = {}
    for path in SagaPath:
        count = settings.sequential if path is SagaPath.HAPPY else max(settings.sequential // 4, 5)
        per_path[path], _ = run_standard(sfn, checkout, [(path, o) for o in factory.orders(path, count)], 1)

    chain_orders = factory.orders(SagaPath.HAPPY, WARM_UP_PER_PATH + settings.sequential)
    direct = Latency.of(run_direct(bench.stack, "chain", chain_orders, WARM_UP_PER_PATH))
    loaded = None
    if settings.sagas:
        work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, settings.sagas)]
        cpu_before = cpu_now(bench.emulator_pid)
        finished, wall_s = run_standard(sfn, checkout, work, settings.concurrency)
        loaded = UnderLoad(finished, wall_s, (cpu_now(bench.emulator_pid) - cpu_before).per(len(finished)))
    every = [f for runs in per_path.values() for f in runs] + (loaded.finished if loaded else [])
    return _result(settings, per_path, direct, loaded, wrong_outcomes(every, EXPECTED_OUTCOME))


def _warm_up(bench: BenchRun, factory: OrderFactory, settings: Settings) -> None:
    """Every path runs a few times; with a run under load, the happy path's functions first get the workers its
    concurrency needs (no cold start may land in a measured window) and happy sagas run at that concurrency."""
    sfn, checkout = bench.stack.clients.stepfunctions, bench.stack.checkout_arn
    concurrency = settings.concurrency if settings.sagas else 1
    bench.warm_workers(MODULES, concurrency)
    run_standard(sfn, checkout, [(path, factory.order(path)) for path in SagaPath for _ in range(WARM_UP_PER_PATH)],
                 concurrency)
    if settings.sagas:
        work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, 4 * concurrency)]
        run_standard(sfn, checkout, work, concurrency)


def _result(
    settings: Settings,
    per_path: dict[SagaPath, list[Finished]],
    direct: Latency,
    loaded: UnderLoad | None,
    wrong: list[str],
) -> Result:
    happy = Latency.of([f.duration_s for f in per_path[SagaPath.HAPPY]])
    overhead = overhead_ratio(happy.p50_ms, direct.p50_ms)
    rows: list[tuple[Any, ...]] = []
    for path, finished in per_path.items():
        latency = Latency.of([f.duration_s for f in finished])
        rows.append((path.value, 1, latency.count, ms(latency.p50_ms), ms(latency.p95_ms), ms(latency.p99_ms), "-"))
    rows.append(("direct chain (in-process)", 1, direct.count, ms(direct.p50_ms), ms(direct.p95_ms),
                 ms(direct.p99_ms), "-"))
    figures: dict[str, Any] = {
        "settings": asdict(settings),
        "per_path": {path.value: Latency.of([f.duration_s for f in fs]).to_json() for path, fs in per_path.items()},
        "direct_chain": direct.to_json(),
        "overhead_ratio": overhead,
        "wrong_outcomes": wrong,
    }
    if loaded:
        under_load = Latency.of([f.duration_s for f in loaded.finished])
        rate = len(loaded.finished) / loaded.wall_s
        rows.append(("happy, under load", settings.concurrency, under_load.count, ms(under_load.p50_ms),
                     ms(under_load.p95_ms), ms(under_load.p99_ms), f"{rate:.1f}"))
        figures.update(under_load=under_load.to_json(), sagas_per_second=rate, cpu_per_saga=loaded.cpu_ms)
    tables = [Table(
        "Checkout sagas (Standard) vs the handlers chained in-process: latency in ms",
        ("path", "concurrency", "runs", "p50", "p95", "p99", "sagas/s"),
        rows,
        notes=(
            "p50/p95/p99: execution duration as Step Functions records it (startDate to stopDate); the direct "
            "chain's as timed around the four handler calls.",
            f"orchestration overhead (happy saga p50 / direct chain p50, one at a time): {overhead:.2f}x",
            *(["under load: information, no target."] if loaded else []),
            *(f"WRONG OUTCOME {line}" for line in wrong[:5]),
        ),
    )]
    if loaded:
        cpu = loaded.cpu_ms
        tables.append(Table(
            f"CPU per happy saga at concurrency {settings.concurrency} (ms of CPU time, information)",
            ("emulator (moto + Step Functions)", "Lambda workers", "load generator", "total"),
            [(ms(cpu["emulator_ms"]), ms(cpu["workers_ms"]), ms(cpu["client_ms"]), ms(cpu["total_ms"]))],
        ))
    targets = [at_most("orchestration overhead (saga p50 / direct p50)", overhead, OVERHEAD_TARGET, "x")]
    return Result("sagas", tables, figures, targets)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--sequential", type=int, default=defaults.sequential,
                        help="one-at-a-time runs of the happy path and of the direct chain (a quarter of that, "
                             "at least 5, for each failure path)")
    parser.add_argument("--sagas", type=int, default=defaults.sagas,
                        help="happy sagas in the run under load (0: no such run)")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="sagas in flight under load")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(sequential=args.sequential, sagas=args.sagas, concurrency=args.concurrency)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("sagas", add_arguments, lambda bench, args: run(bench, settings_from(args)))
