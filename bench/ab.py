"""What the emulator's performance extensions buy: the same load on an emulator without them and with them.

Two emulators, one after the other, on the same machine and the same stack: the first with
EMULATOR_PERFORMANCE_EXTENSIONS=off (moto as extended for behaviour only), the second as shipped. Each runs N
happy sagas at concurrency C and M Express validations; the figures are rates and CPU per operation.

    python -m bench.ab [--sagas 200] [--concurrency 8] [--validations 400] [--json out.json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import express
from bench.cli import stop_cleanly_on_sigterm
from bench.cpu import cpu_now
from bench.direct_chain import MODULES
from bench.executions import run_standard
from bench.harness import DEFAULT_LAMBDA_POOL_SIZE, BenchStack, bench_stack
from bench.report import Result, Table, write_json
from bench.stats import Latency, ms
from emulator.performance import SWITCH_VARIABLE
from sagactl.cost.orders import OrderFactory, SagaPath
from sagactl.local_stack import progress


@dataclass(frozen=True)
class Settings:
    sagas: int = 200
    concurrency: int = 8
    validations: int = 400
    validation_concurrency: int = 16


def run(stack_name: str, settings: Settings, lambda_pool_size: int = DEFAULT_LAMBDA_POOL_SIZE) -> Result:
    rows = []
    figures: dict[str, Any] = {"settings": asdict(settings)}
    for label, switch in (("without (moto as extended for behaviour)", "off"), ("with (as shipped)", "on")):
        progress(f"bench ab: emulator {label} ...")
        with bench_stack(stack_name, lambda_pool_size, {SWITCH_VARIABLE: switch}) as stack:
            measured = _measure(stack, settings)
        figures[switch] = measured
        rows.append((label, f"{measured['sagas_per_s']:.1f}", ms(measured["saga_p50_ms"]),
                     ms(measured["saga_cpu"]["emulator_ms"]), ms(measured["saga_cpu"]["total_ms"]),
                     f"{measured['validations_per_s']:.0f}", ms(measured["validation_cpu"]["emulator_ms"])))
    table = Table(
        f"Emulator performance extensions: off vs on ({settings.sagas} sagas at concurrency {settings.concurrency},"
        f" {settings.validations} validations at {settings.validation_concurrency})",
        ("emulator", "sagas/s", "saga p50 ms (loaded)", "emulator CPU ms/saga", "total CPU ms/saga",
         "validations/s", "emulator CPU ms/validation"),
        rows,
    )
    return Result("ab", [table], figures, [])


def _measure(stack: BenchStack, settings: Settings) -> dict[str, Any]:
    factory = OrderFactory(stack)
    sfn = stack.clients.stepfunctions
    stack.warm_workers(MODULES, settings.concurrency)  # no cold start inside a measured window
    stack.warm_workers(("validate_order",), settings.validation_concurrency)
    warm = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, 4 * settings.concurrency)]
    run_standard(sfn, stack.checkout_arn, warm, settings.concurrency)
    work = [(SagaPath.HAPPY, order) for order in factory.orders(SagaPath.HAPPY, settings.sagas)]
    before = cpu_now(stack.emulator_pid)
    finished, wall_s = run_standard(sfn, stack.checkout_arn, work, settings.concurrency, 0.05)
    saga_cpu = (cpu_now(stack.emulator_pid) - before).per(len(finished))

    orders = factory.orders(SagaPath.HAPPY, settings.validations + express.WARM_UP)
    express.validate_all(sfn, stack.validation_arn, orders[: express.WARM_UP], settings.validation_concurrency)
    before = cpu_now(stack.emulator_pid)
    validated, validation_wall_s = express.validate_all(
        sfn, stack.validation_arn, orders[express.WARM_UP:], settings.validation_concurrency
    )
    validation_cpu = (cpu_now(stack.emulator_pid) - before).per(len(validated))
    return {
        "sagas_per_s": len(finished) / wall_s,
        "saga_p50_ms": Latency.of([f.duration_s for f in finished]).p50_ms,
        "saga_cpu": saga_cpu,
        "validations_per_s": len(validated) / validation_wall_s,
        "validation_cpu": validation_cpu,
        "not_succeeded": sum(f.status != "SUCCEEDED" for f in finished)
        + sum(v.status != "SUCCEEDED" for v in validated),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Settings()
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--sagas", type=int, default=defaults.sagas)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--validations", type=int, default=defaults.validations)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    stop_cleanly_on_sigterm()
    result = run(args.stack, Settings(args.sagas, args.concurrency, args.validations))
    result.print()
    if args.json:
        write_json(args.json, result.to_json())


if __name__ == "__main__":
    main()
