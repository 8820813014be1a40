"""A stack deployed on the embedded emulator: the one type the tooling (sagactl, bench, tests) drives.

Two starters, the same ``LocalStack``:

- ``in_process(port, stack)``: the emulator in this process (``sagactl serve``/``demo``/``cost``);
- ``in_subprocess(stack)``: the emulator as ``python -m emulator`` (chaos, fuzz, the benchmarks, the tests).

Both deploy the real Pulumi program (``devstack.deploy``) and stock the example orders' SKUs
(fixtures/inventory.json) unless told not to. ``deploy_on`` adds another stack to an emulator already running.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from components.bytecode import check_lambda_python
from devstack.clients import EMULATOR_PORT, AwsClients, client_environment
from devstack.control import EmulatorControl
from devstack.deploy import CreatedResource, Deployment, deploy
from devstack.domain import seed_stock
from devstack.emulator_process import start_emulator_process
from devstack.executions import (
    ExecutionResult,
    SyncResult,
    start_execution,
    start_sync_execution,
    wait_for_execution,
)
from devstack.orders import fixture_stock
from devstack.program import PROJECT_DIR, project_name, stack_config
from emulator.ports import ensure_port_free

# The same retries as deployed, their backoff capped at one second: retries take seconds, not minutes.
FAST_RETRIES = {"checkout-saga:retryMaxDelaySeconds": "1"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LocalStack:
    endpoint_url: str
    deployment: Deployment
    clients: AwsClients
    emulator_pid: int | None = None  # a subprocess emulator's; None in-process

    @property
    def name(self) -> str:
        return self.deployment.stack

    @property
    def region(self) -> str:
        return str(self.clients.region)

    @property
    def outputs(self) -> dict[str, Any]:
        return self.deployment.outputs

    @property
    def checkout_arn(self) -> str:
        return str(self.outputs["checkoutStateMachineArn"])

    @property
    def checkout_alias_arn(self) -> str:
        """What callers start checkouts with: the `live` alias (its routing picks the saga version)."""
        return str(self.outputs["checkoutAliasArn"])

    @property
    def validation_arn(self) -> str:
        return str(self.outputs["orderValidationStateMachineArn"])

    @property
    def validation_alias_arn(self) -> str:
        """What callers validate orders with: the validation workflow's `live` alias."""
        return str(self.outputs["orderValidationAliasArn"])

    @property
    def control(self) -> EmulatorControl:
        return EmulatorControl(self.endpoint_url)

    def function_name(self, module: str) -> str:
        """The deployed name of a handler module's function (process_payment -> checkout-saga-process-payment-dev)."""
        return f"{project_name()}-{module.replace('_', '-')}-{self.name}"

    def client_environment(self) -> dict[str, str]:
        """What an AWS CLI process, or handler code run in this process, needs to reach this emulator."""
        return client_environment(self.endpoint_url, self.region)

    def seed_stock(self, levels: list[dict[str, Any]]) -> int:
        return seed_stock(self.outputs["inventoryTableName"], levels, self.clients.dynamodb)

    def start_checkout(self, order: dict[str, Any], name: str | None = None) -> str:
        """Starts the checkout saga through its `live` alias; the execution name is the order id unless given."""
        return start_execution(
            self.clients.stepfunctions, self.checkout_alias_arn, order, name or str(order["order_id"])
        )

    def checkout(self, order: dict[str, Any], name: str | None = None, timeout_s: float = 180) -> ExecutionResult:
        return wait_for_execution(self.clients.stepfunctions, self.start_checkout(order, name), timeout_s)

    def validate(self, order: Any) -> SyncResult:
        """The Express order validation (StartSyncExecution through its `live` alias)."""
        return start_sync_execution(self.clients.stepfunctions, self.validation_alias_arn, order)


    def redeploy(self, config_overrides: dict[str, str] | None = None, project_dir: Path | None = None) -> LocalStack:
        """Deploys the program again onto this emulator, updating this stack in place as `pulumi up` does (new
        function and state machine versions where something changed); the stack as it is now deployed."""
        deployment = deploy(
            self.endpoint_url, self.name, project_dir or PROJECT_DIR, config_overrides=config_overrides,
            previous=self.deployment,
        )
        return replace(self, deployment=deployment)


def deploy_on(
    endpoint_url: str,
    stack: str = "dev",
    config_overrides: dict[str, str] | None = None,
    stock: list[dict[str, Any]] | None = None,
    on_created: Callable[[CreatedResource], None] | None = None,
    emulator_pid: int | None = None,
    max_pool_connections: int = 50,
) -> LocalStack:
    """Deploys ``stack`` on a running emulator and stocks ``stock`` (default: the example orders' fixture)."""
    deployment = deploy(endpoint_url, stack, on_created=on_created, config_overrides=config_overrides)
    clients = AwsClients(
        region=_region_of(deployment), endpoint_url=endpoint_url, max_pool_connections=max_pool_connections
    )
    local = LocalStack(endpoint_url, deployment, clients, emulator_pid)
    local.seed_stock(fixture_stock() if stock is None else stock)
    return local


@contextmanager
def in_process(
    port: int = EMULATOR_PORT,
    stack: str = "dev",
    config_overrides: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Iterator[LocalStack]:
    """The emulator in this process, the stack deployed and stocked; everything stopped on exit."""
    # A stack that does not exist, a Lambda Python that does not run or a port taken is answered before moto and
    # the runtime load.
    _check_before_starting(stack)
    ensure_port_free("127.0.0.1", port)  # where the Emulator listens by default
    from emulator.server import Emulator  # moto and the runtime load only when a local emulator is wanted

    say = progress or (lambda message: None)
    say(f"starting the emulator on 127.0.0.1:{port} ...")
    with Emulator(port=port) as emulator:
        say(f"emulator ready at {emulator.endpoint_url}; deploying stack '{stack}' ...")
        local = deploy_on(emulator.endpoint_url, stack, config_overrides, on_created=_reporter(say))
        say(f"deployed {len(local.deployment.resources)} resources; stocked the example orders' SKUs")
        try:
            yield local
        finally:  # Ctrl-C and SIGTERM too: the `with` stops the emulator and kills its workers
            say("stopping the emulator and its Lambda workers ...")


@contextmanager
def in_subprocess(
    stack: str = "dev",
    config_overrides: dict[str, str] | None = None,
    lambda_pool_size: int | None = None,
    port: int = 0,
    emulator_env: dict[str, str] | None = None,
    stock: list[dict[str, Any]] | None = None,
    max_pool_connections: int = 50,
) -> Iterator[LocalStack]:
    """``python -m emulator`` in its own process, the stack deployed and stocked; stopped on exit."""
    _check_before_starting(stack)
    emulator = start_emulator_process(port, lambda_pool_size, emulator_env)
    try:
        yield deploy_on(
            emulator.endpoint_url, stack, config_overrides, stock, emulator_pid=emulator.pid,
            max_pool_connections=max_pool_connections,
        )
    finally:
        emulator.stop()


def _check_before_starting(stack: str) -> None:
    """What would make the deploy fail, answered before an emulator starts for it."""
    stack_config(stack)
    check_lambda_python()


def _reporter(say: Progress) -> Callable[[CreatedResource], None]:
    def report(resource: CreatedResource) -> None:
        say(f"  + {resource.type.split(':')[-1]:<13} {resource.physical_id}")

    return report


def _region_of(deployment: Deployment) -> str:
    return str(deployment.outputs["checkoutStateMachineArn"]).split(":")[3]
