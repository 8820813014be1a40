"""One emulator process with the dev stack for the reliability scenarios (faults, chaos, recovery, bad input).

Its own emulator, not the e2e one: these tests inject faults into the runtime and fill the tables with
hundreds of sagas. Deployed with FAST_RETRIES (the same retries, capped at one second apart), the way
`sagactl chaos`/`fuzz` start theirs, and its parts found as the operator commands find them
(sagactl.discovery). Every test leaves no fault policy behind.
"""

from __future__ import annotations

import io
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.clients import AwsClients
from devstack.control import EmulatorControl
from devstack.executions import ExecutionResult, wait_for_execution
from devstack.orders import example_order
from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess
from sagactl.discovery import SagaStack, discover
from sagactl.reliability.check_run import run_check
from sagactl.reliability.invariants import CheckReport
from sagactl.reliability.store_snapshot import OrderSnapshot, idempotency_record, order_snapshot, stock_levels


@dataclass
class ReliabilityStack:
    local: LocalStack
    stack: SagaStack  # what the operator commands find: functions, tables, dead-letter queue

    @property
    def clients(self) -> AwsClients:
        return self.local.clients

    @property
    def endpoint_url(self) -> str:
        return self.local.endpoint_url

    @property
    def control(self) -> EmulatorControl:
        return self.local.control

    @property
    def sfn(self) -> Any:
        return self.clients.stepfunctions

    def function(self, state: str) -> str:
        return self.stack.function_name(state)

    def order(self, example: str) -> dict[str, Any]:
        """An example order under an id of its own: ids double as execution names and idempotency keys."""
        return example_order(example, order_id=f"rel-{example}-{uuid.uuid4().hex[:10]}")

    def start(self, order: dict[str, Any], name: str | None = None) -> str:
        return self.local.start_checkout(order, name)

    def checkout(self, order: dict[str, Any], name: str | None = None) -> ExecutionResult:
        return wait_for_execution(self.sfn, self.start(order, name), timeout_s=180)

    def snapshot(self, order_id: str) -> OrderSnapshot:
        return order_snapshot(self.clients.dynamodb, self.stack.tables, order_id)

    def stock(self) -> dict[str, int]:
        return stock_levels(self.clients.dynamodb, self.stack.tables)

    def idempotency_record(self, step: str, order_id: str) -> dict[str, Any] | None:
        return idempotency_record(self.clients.dynamodb, self.stack.tables, step, order_id)

    def check(self, execution_arns: list[str], since: datetime) -> CheckReport:
        return run_check(self.clients, self.stack, execution_arns, since)


# Workers per function, as `sagactl chaos` starts them; test_fault_injection hangs exactly this many.
LAMBDA_POOL_SIZE = 4


@pytest.fixture(scope="session")
def reliability() -> Iterator[ReliabilityStack]:
    with in_subprocess(config_overrides=FAST_RETRIES, lambda_pool_size=LAMBDA_POOL_SIZE) as local:
        yield ReliabilityStack(local, discover(local.clients, local.checkout_arn))


@pytest.fixture
def rs(reliability: ReliabilityStack) -> Iterator[ReliabilityStack]:
    """The reliability stack, with every fault policy lifted after the test whatever happened."""
    yield reliability
    reliability.control.clear_faults()


@pytest.fixture
def started_at() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="session")
def lambda_pool_size() -> int:
    return LAMBDA_POOL_SIZE


@pytest.fixture(scope="session")
def zip_source() -> Callable[[dict[str, str]], bytes]:
    """``zip_source({"app.py": source})``: a Lambda code archive of tiny handlers written in the test."""

    def zipped(files: dict[str, str]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, source in files.items():
                archive.writestr(name, textwrap.dedent(source))
        return buffer.getvalue()

    return zipped
