"""One emulator process with the dev stack for the reliability scenarios (faults, chaos, recovery, bad input).

Its own emulator, not the e2e one: these tests inject faults into the runtime and fill the tables with
hundreds of sagas. Deployed like the e2e stack (`retryMaxDelaySeconds=1`: the same retries, capped at one
second apart), through the same code `sagactl chaos`/`fuzz` use. Every test leaves no fault policy behind.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sagactl.aws_clients import AwsClients
from sagactl.check_run import run_check
from sagactl.emulator_process import RunningStack, deployed_stack
from sagactl.executions import ExecutionResult, start_execution, wait_for_execution
from sagactl.fault_control import FaultControl
from sagactl.invariants import CheckReport
from sagactl.saga_stack import SagaStack
from sagactl.store_snapshot import OrderSnapshot, idempotency_key, order_snapshot, stock_levels

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FAST_RETRIES = {"checkout-saga:retryMaxDelaySeconds": "1"}


@dataclass
class ReliabilityStack:
    running: RunningStack
    faults: FaultControl

    @property
    def clients(self) -> AwsClients:
        return self.running.clients

    @property
    def stack(self) -> SagaStack:
        return self.running.stack

    @property
    def sfn(self) -> Any:
        return self.clients.stepfunctions

    def function(self, state: str) -> str:
        return self.stack.function_name(state)

    def order(self, example: str) -> dict[str, Any]:
        order = json.loads((EXAMPLES / f"order-{example}.json").read_text())
        order["order_id"] = f"rel-{example}-{uuid.uuid4().hex[:10]}"
        return dict(order)

    def start(self, order: dict[str, Any], name: str | None = None) -> str:
        return start_execution(self.sfn, self.stack.checkout_arn, order, name or order["order_id"])

    def checkout(self, order: dict[str, Any], name: str | None = None) -> ExecutionResult:
        return wait_for_execution(self.sfn, self.start(order, name), timeout_s=180)

    def snapshot(self, order_id: str) -> OrderSnapshot:
        return order_snapshot(self.clients.dynamodb, self.stack.tables, order_id)

    def stock(self) -> dict[str, int]:
        return stock_levels(self.clients.dynamodb, self.stack.tables)

    def idempotency_record(self, step: str, order_id: str) -> dict[str, Any] | None:
        item = self.clients.dynamodb.get_item(
            TableName=self.stack.tables.idempotency,
            Key={"id": {"S": idempotency_key(step, order_id)}},
            ConsistentRead=True,
        ).get("Item")
        return {name: next(iter(value.values())) for name, value in item.items()} if item else None

    def check(self, execution_arns: list[str], since: datetime) -> CheckReport:
        return run_check(self.clients, self.stack, execution_arns, since)


@pytest.fixture(scope="session")
def reliability() -> Iterator[ReliabilityStack]:
    with deployed_stack(config_overrides=FAST_RETRIES) as running:
        yield ReliabilityStack(running, FaultControl(running.endpoint_url))


@pytest.fixture
def rs(reliability: ReliabilityStack) -> Iterator[ReliabilityStack]:
    """The reliability stack, with every fault policy lifted after the test whatever happened."""
    yield reliability
    reliability.faults.clear()


@pytest.fixture
def started_at() -> datetime:
    return datetime.now(UTC)
