"""Order validation through the Express workflow (StartSyncExecution) vs the handler called directly.

- Express: N validations at concurrency C through ``start-sync-execution`` (what the storefront calls):
  validations/s, client latency p50/p95, the billed duration AWS would charge (billingDetails), CPU.
- Direct: the same handler (validate_order) called in-process (a fresh process, see direct_chain), one at
  a time.

    python -m bench.express [--validations 1000] [--concurrency 16] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from bench.cpu import cpu_now
from bench.direct_chain import run_direct
from bench.harness import BenchStack
from bench.report import Result, Table, at_least
from bench.stats import Latency, ms
from sagactl.cost.orders import OrderFactory, SagaPath

RATE_TARGET = 300.0
WARM_UP = 32


@dataclass(frozen=True)
class Settings:
    validations: int = 1000
    concurrency: int = 16


@dataclass(frozen=True)
class Validated:
    status: str
    client_s: float
    billed_ms: int | None


def run(stack: BenchStack, settings: Settings) -> Result:
    factory = OrderFactory(stack)
    orders = factory.orders(SagaPath.HAPPY, settings.validations + WARM_UP)
    sfn = stack.clients.stepfunctions
    stack.warm_workers(("validate_order",), settings.concurrency)  # no cold start inside the measured window
    validate_all(sfn, stack.validation_arn, orders[:WARM_UP], settings.concurrency)

    cpu_before = cpu_now(stack.emulator_pid)
    validated, wall_s = validate_all(sfn, stack.validation_arn, orders[WARM_UP:], settings.concurrency)
    cpu = (cpu_now(stack.emulator_pid) - cpu_before).per(len(validated))

    direct = run_direct(stack, "validate", orders, WARM_UP)
    return _result(settings, validated, wall_s, cpu, direct, sum(direct))


def validate_all(
    sfn: Any, state_machine_arn: str, orders: list[dict[str, Any]], concurrency: int
) -> tuple[list[Validated], float]:
    def validate(order: dict[str, Any]) -> Validated:
        sent = time.perf_counter()
        response = sfn.start_sync_execution(stateMachineArn=state_machine_arn, input=json.dumps(order))
        billed = (response.get("billingDetails") or {}).get("billedDurationInMilliseconds")
        return Validated(response["status"], time.perf_counter() - sent, billed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        validated = list(pool.map(validate, orders))
    return validated, time.perf_counter() - started


def _result(
    settings: Settings,
    validated: list[Validated],
    wall_s: float,
    cpu: dict[str, float],
    direct: list[float],
    direct_wall_s: float,
) -> Result:
    rate = len(validated) / wall_s
    express = Latency.of([v.client_s for v in validated])
    direct_latency = Latency.of(direct)
    direct_rate = len(direct) / direct_wall_s
    failed = sum(v.status != "SUCCEEDED" for v in validated)
    billed = sorted(v.billed_ms for v in validated if v.billed_ms is not None)
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
            f"Express CPU per validation: emulator {ms(cpu['emulator_ms'])} ms, Lambda worker "
            f"{ms(cpu['workers_ms'])} ms, load generator {ms(cpu['client_ms'])} ms; "
            f"2-core ceiling {2000 / cpu['total_ms']:.0f}/s.",
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
    targets = [at_least(f"Express validations/s at concurrency {settings.concurrency}", rate, RATE_TARGET, "/s")]
    return Result("express", [table], figures, targets)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--validations", type=int, default=defaults.validations)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(validations=args.validations, concurrency=args.concurrency)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("express", add_arguments, lambda stack, args: run(stack, settings_from(args)))
