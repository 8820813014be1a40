"""The stack every benchmark runs on: one emulator process, the program deployed, this run's SKUs stocked.

The emulator runs in its own process (as ``python -m emulator``), so the load generator in this process and
the emulator each have an interpreter lock of their own, as a client and AWS would.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from emulator.deploy import deploy
from sagactl.aws_clients import AwsClients
from sagactl.cost.deployed_stack import HANDLERS_DIR, DeployedStack
from sagactl.emulator_process import start_emulator, stop_emulator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-1"
DEFAULT_STACK = "prod"  # what the bill is for: prod's memory, architecture and log levels
# Warm workers per function: at least the benchmarks' concurrency (16 validations, 8 sagas). With fewer, the
# runtime starts a throwaway worker for an invocation that waited 1 s (as Lambda scales out), i.e. cold starts
# inside a measured window.
DEFAULT_LAMBDA_POOL_SIZE = 16

__all__ = [
    "DEFAULT_LAMBDA_POOL_SIZE", "DEFAULT_STACK", "HANDLERS_DIR", "PROJECT_ROOT", "REGION", "BenchStack", "bench_stack"
]


@dataclass(frozen=True)
class BenchStack(DeployedStack):
    process: subprocess.Popen[str] | None = None

    @property
    def emulator_pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def warm_workers(self, modules: tuple[str, ...], count: int) -> None:
        """Starts ``count`` warm workers for each module's function (the emulator's warm-workers route), so that
        a load at concurrency ``count`` meets no cold start: one inside a measured window costs ~0.5 s of CPU
        that the workload did not ask for (on Lambda: Provisioned Concurrency)."""
        for module in modules:
            path = f"functions/{self.function_name(module)}/warm-workers"
            warm = self.control(path, {"count": count}, method="PUT", timeout=300)["warm_workers"]
            if warm < count:
                raise RuntimeError(f"{module}: {warm} warm workers, the load needs {count}: raise --lambda-pool-size")


@contextmanager
def bench_stack(
    stack: str = DEFAULT_STACK,
    lambda_pool_size: int = DEFAULT_LAMBDA_POOL_SIZE,
    emulator_env: dict[str, str] | None = None,
) -> Iterator[BenchStack]:
    process, endpoint_url = start_emulator(lambda_pool_size=lambda_pool_size, extra_env=emulator_env)
    try:
        deployment = deploy(endpoint_url, stack)
        clients = AwsClients(region=REGION, endpoint_url=endpoint_url, max_pool_connections=64)
        bench = BenchStack(
            endpoint_url=endpoint_url,
            region=REGION,
            stack=deployment.stack,
            outputs=deployment.outputs,
            clients=clients,
            run_id=uuid.uuid4().hex[:6].upper(),
            process=process,
        )
        bench.stock_run_skus()
        yield bench
    finally:
        stop_emulator(process)
