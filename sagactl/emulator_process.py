"""A fresh emulator in its own process with the stack deployed: what long runs (chaos, fuzz) and their tests use.

A separate process, not an in-process Emulator: the load generator and the emulator then use a core each
instead of sharing one interpreter lock, and moto's process-wide state stays out of the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from emulator.deploy import Deployment, deploy
from sagactl.aws_clients import AwsClients
from sagactl.local_stack import INVENTORY_FIXTURE, seed_inventory
from sagactl.saga_stack import SagaStack, discover

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-1"


@dataclass(frozen=True)
class RunningStack:
    endpoint_url: str
    deployment: Deployment
    clients: AwsClients
    stack: SagaStack


def start_emulator(
    port: int = 0, lambda_pool_size: int = 4, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Starts ``python -m emulator``; returns the process and its endpoint once it prints READY."""
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port), "--lambda-pool-size", str(lambda_pool_size)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(extra_env or {})},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"the emulator did not start: {line!r}, exit code {process.wait()}")
    return process, line.split()[1]


def stop_emulator(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: the emulator kills its Lambda workers and exits 0
        process.wait(timeout=60)


@contextmanager
def deployed_stack(
    stack_name: str = "dev",
    config_overrides: dict[str, str] | None = None,
    lambda_pool_size: int = 4,
    port: int = 0,
) -> Iterator[RunningStack]:
    """An emulator with the stack deployed and the inventory fixture seeded, stopped on exit."""
    process, endpoint_url = start_emulator(port, lambda_pool_size)
    try:
        deployment = deploy(endpoint_url, stack_name, config_overrides=config_overrides or {})
        clients = AwsClients(region=REGION, endpoint_url=endpoint_url)
        seed_inventory(clients, deployment.outputs["inventoryTableName"], INVENTORY_FIXTURE)
        stack = discover(clients, str(deployment.outputs["checkoutStateMachineArn"]))
        yield RunningStack(endpoint_url, deployment, clients, stack)
    finally:
        stop_emulator(process)
