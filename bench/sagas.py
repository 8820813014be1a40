"""Checkout sagas on the emulator vs the same handlers chained in-process: latency, throughput, overhead.

Three measurements, all on one deployed stack, warm (every path runs a few times first):
- latency per path: sagas one at a time, each path (happy, out of stock, declined, invalid);
- throughput: N happy sagas at concurrency C: sagas/s, latency under load, CPU per saga;
- direct chain: ValidateOrder -> ProcessPayment -> ReserveInventory -> ConfirmOrder called directly, in-process
  (a fresh process of their own, see direct_chain).
The orchestration overhead is the happy saga's p50 over the direct chain's p50 (both one at a time).

    python -m bench.sagas [--sagas 400] [--concurrency 8] [--sequential 40] [--json out.json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import Any

from bench.cpu import cpu_now
from bench.direct_chain import MODULES, run_direct
from bench.executions import Finished, run_standard, wrong_outcomes
from bench.harness import BenchStack
from bench.report import Result, Table, at_least, at_most
from bench.stats import Latency, ms
from sagactl.cost.orders import EXPECTED_OUTCOME, OrderFactory, SagaPath

P50_TARGET_MS = 50.0
RATE_TARGET = 50.0
OVERHEAD_TARGET = 3.0
WARM_UP_PER_PATH = 3


@dataclass(frozen=True)
class Settings:
    sagas: int = 400
    concurrency: int = 8
    sequential: int = 40


def run(stack: BenchStack, settings: Settings) -> Result:
    factory = OrderFactory(stack)
    sfn = stack.clients.stepfunctions
    _warm_up(stack, factory, settings.concurrency)

    per_path: dict[SagaPath, list[Finished]] = {}
    for path in SagaPath:
        count = settings.sequential if path is SagaPath.HAPPY else max(settings.sequential // 4, 5)
        finished, _ = run_standard(sfn, stack.checkout_arn, [(path, o) for o in factory.orders(path, count)], 1)
        per_path[path] = finished

    work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, settings.sagas)]
    # Until the first of them ends, polls start at the one-at-a-time p50 (then see executions.PollSchedule).
    expected_s = Latency.of([f.duration_s for f in per_path[SagaPath.HAPPY]]).p50_ms / 1000
    cpu_before = cpu_now(stack.emulator_pid)
    loaded, wall_s = run_standard(sfn, stack.checkout_arn, work, settings.concurrency, expected_s)
    cpu = (cpu_now(stack.emulator_pid) - cpu_before).per(len(loaded))

    direct = _direct_chain(stack, factory, settings.sequential)
    wrong = wrong_outcomes([f for runs in per_path.values() for f in runs] + loaded, EXPECTED_OUTCOME)
    return _result(settings, per_path, loaded, wall_s, cpu, direct, wrong)


def _warm_up(stack: BenchStack, factory: OrderFactory, concurrency: int) -> None:
    """The happy path's functions get the workers the measured concurrency needs (a cold start, ~0.5 s of CPU,
    must not land in a measured window), then every path runs once or more, then happy sagas at that
    concurrency."""
    stack.warm_workers(MODULES, concurrency)
    work = [(path, factory.order(path)) for path in SagaPath for _ in range(WARM_UP_PER_PATH)]
    run_standard(stack.clients.stepfunctions, stack.checkout_arn, work, concurrency)
    work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, 4 * concurrency)]
    run_standard(stack.clients.stepfunctions, stack.checkout_arn, work, concurrency)


def _direct_chain(stack: BenchStack, factory: OrderFactory, count: int) -> Latency:
    orders = factory.orders(SagaPath.HAPPY, count + WARM_UP_PER_PATH)
    return Latency.of(run_direct(stack, "chain", orders, WARM_UP_PER_PATH))


def _result(
    settings: Settings,
    per_path: dict[SagaPath, list[Finished]],
    loaded: list[Finished],
    wall_s: float,
    cpu: dict[str, float],
    direct: Latency,
    wrong: list[str],
) -> Result:
    rate = len(loaded) / wall_s
    happy = Latency.of([f.duration_s for f in per_path[SagaPath.HAPPY]])
    under_load = Latency.of([f.duration_s for f in loaded])
    overhead = happy.p50_ms / direct.p50_ms
    rows = []
    for path, finished in per_path.items():
        latency, observed = Latency.of([f.duration_s for f in finished]), Latency.of([f.client_s for f in finished])
        rows.append((path.value, "1", latency.count, ms(latency.p50_ms), ms(latency.p95_ms), ms(latency.p99_ms),
                     ms(observed.p50_ms), "-"))
    observed = Latency.of([f.client_s for f in loaded])
    rows.append(("happy", str(settings.concurrency), under_load.count, ms(under_load.p50_ms), ms(under_load.p95_ms),
                 ms(under_load.p99_ms), ms(observed.p50_ms), f"{rate:.1f}"))
    rows.append(("direct chain (in-process)", "1", direct.count, ms(direct.p50_ms), ms(direct.p95_ms),
                 ms(direct.p99_ms), "-", "-"))
    latency_table = Table(
        "Checkout sagas (Standard) vs the handlers chained in-process — latency in ms",
        ("path", "concurrency", "runs", "p50", "p95", "p99", "client p50", "sagas/s"),
        rows,
        notes=(
            "p50/p95/p99: execution duration as Step Functions records it (startDate to stopDate);",
            "client p50: StartExecution sent to the end observed by polling DescribeExecution.",
            f"orchestration overhead (happy saga p50 / direct chain p50, one at a time): {overhead:.2f}x",
            *(f"WRONG OUTCOME {line}" for line in wrong[:5]),
        ),
    )
    cpu_table = Table(
        f"CPU per happy saga at concurrency {settings.concurrency} (ms of CPU time)",
        ("emulator (moto + Step Functions)", "Lambda workers", "load generator", "total", "2-core ceiling sagas/s"),
        [(ms(cpu["emulator_ms"]), ms(cpu["workers_ms"]), ms(cpu["client_ms"]), ms(cpu["total_ms"]),
          f"{2000 / cpu['total_ms']:.0f}")],
        notes=("2-core ceiling: 2000 ms of CPU per second over the CPU one saga costs, all processes included.",),
    )
    figures: dict[str, Any] = {
        "settings": asdict(settings),
        "per_path": {path.value: Latency.of([f.duration_s for f in fs]).to_json() for path, fs in per_path.items()},
        "under_load": under_load.to_json(),
        "sagas_per_second": rate,
        "cpu_per_saga": cpu,
        "direct_chain": direct.to_json(),
        "overhead_ratio": overhead,
        "wrong_outcomes": wrong,
    }
    targets = [
        at_most("happy saga p50, warm", happy.p50_ms, P50_TARGET_MS, "ms"),
        at_least(f"happy sagas/s at concurrency {settings.concurrency}", rate, RATE_TARGET, "/s"),
        at_most("orchestration overhead (saga p50 / direct p50)", overhead, OVERHEAD_TARGET, "x"),
    ]
    return Result("sagas", [latency_table, cpu_table], figures, targets)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--sagas", type=int, default=defaults.sagas, help="happy sagas in the throughput run")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="sagas in flight at once")
    parser.add_argument("--sequential", type=int, default=defaults.sequential,
                        help="one-at-a-time runs of the happy path (a quarter of that for each failure path)")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(sagas=args.sagas, concurrency=args.concurrency, sequential=args.sequential)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("sagas", add_arguments, lambda stack, args: run(stack, settings_from(args)))
