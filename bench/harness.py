"""The stack every benchmark runs on: devstack's LocalStack in an emulator process of its own, plus this run's SKUs.

The emulator runs as ``python -m emulator`` (devstack.stack.in_subprocess), so the load generator in this process
and the emulator each have an interpreter lock of their own, as a client and AWS would. The stack is deployed
without the example orders' stock: the run stocks SKUs of its own (sagactl.cost.orders.RunSkus).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sagactl.cost.orders import OrderFactory, RunSkus

if TYPE_CHECKING:  # devstack.stack loads the Pulumi SDK: only a run that deploys needs it
    from devstack.stack import LocalStack

DEFAULT_STACK = "prod"  # what the bill is for: prod's memory, architecture and log levels
# Workers per function: at least the benchmarks' concurrency (--concurrency, --validation-concurrency). With fewer,
# the runtime starts a throwaway worker for an invocation that waited for a busy pool (as Lambda scales out), i.e.
# cold starts inside a measured window.
DEFAULT_LAMBDA_POOL_SIZE = 16
MAX_POOL_CONNECTIONS = 64  # above any benchmark's concurrency: no thread waits for an HTTP connection


@dataclass(frozen=True)
class BenchRun:
    """One benchmark run: the deployed stack and the SKUs stocked for it."""

    stack: LocalStack
    skus: RunSkus

    @property
    def emulator_pid(self) -> int:
        assert self.stack.emulator_pid is not None, "the benchmarks run the emulator in a process of its own"
        return self.stack.emulator_pid

    def order_factory(self) -> OrderFactory:
        return OrderFactory(self.stack, self.skus)

    def warm_workers(self, modules: tuple[str, ...], count: int) -> None:
        """``count`` warm workers for each module's function, so that a load at concurrency ``count`` meets no
        cold start: one inside a measured window costs process start and imports the workload did not ask for (on
        Lambda: Provisioned Concurrency)."""
        for module in modules:
            warm = self.stack.control.warm_workers(self.stack.function_name(module), count)
            if warm < count:
                raise RuntimeError(f"{module}: {warm} warm workers, the load needs {count}: raise --lambda-pool-size")


@contextmanager
def bench_run(
    stack: str = DEFAULT_STACK,
    lambda_pool_size: int = DEFAULT_LAMBDA_POOL_SIZE,
    emulator_env: dict[str, str] | None = None,
    config_overrides: dict[str, str] | None = None,
) -> Iterator[BenchRun]:
    """A fresh emulator process (``emulator_env`` added to its environment), ``stack`` deployed (with
    ``config_overrides``), the run's SKUs stocked; the emulator and its workers stopped on exit."""
    from devstack.stack import in_subprocess

    with in_subprocess(stack, config_overrides=config_overrides, lambda_pool_size=lambda_pool_size,
                       emulator_env=emulator_env, stock=[], max_pool_connections=MAX_POOL_CONNECTIONS) as local:
        yield BenchRun(local, RunSkus.stocked_on(local))
