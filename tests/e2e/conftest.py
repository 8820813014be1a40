"""One emulator process with the real stack deployed on it (the dev stack, the real handlers)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulator.deploy import Deployment, deploy
from sagactl.aws_clients import AwsClients
from sagactl.executions import ExecutionResult, start_execution, wait_for_execution
from sagactl.local_stack import INVENTORY_FIXTURE, seed_inventory
from sagactl.store_snapshot import OrderSnapshot, TableNames, order_snapshot, stock_levels
from tests.emulator.emulator_test_support import EmulatorProcess, start_emulator_process

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Same attempts and errors as deployed; only the backoff cap shrinks, so retries take seconds, not minutes.
FAST_RETRIES = {"checkout-saga:retryMaxDelaySeconds": "1"}


@dataclass
class DeployedStack:
    emulator: EmulatorProcess
    deployment: Deployment
    clients: AwsClients

    @property
    def outputs(self) -> dict[str, Any]:
        return self.deployment.outputs

    @property
    def tables(self) -> TableNames:
        return TableNames.from_outputs(self.outputs)

    @property
    def sfn(self) -> Any:
        return self.clients.stepfunctions

    def order(self, example: str) -> dict[str, Any]:
        order = json.loads((EXAMPLES / f"order-{example}.json").read_text())
        order["order_id"] = f"{example}-{uuid.uuid4().hex[:10]}"
        return dict(order)

    def checkout(self, order: dict[str, Any], name: str | None = None) -> ExecutionResult:
        arn = start_execution(self.sfn, self.outputs["checkoutStateMachineArn"], order, name or order["order_id"])
        return wait_for_execution(self.sfn, arn, timeout_s=180)

    def snapshot(self, order_id: str) -> OrderSnapshot:
        return order_snapshot(self.clients.dynamodb, self.tables, order_id)

    def stock(self) -> dict[str, int]:
        return stock_levels(self.clients.dynamodb, self.tables)

    def function_name(self, module: str) -> str:
        return f"checkout-saga-{module.replace('_', '-')}-{self.deployment.stack}"

    def idempotency_record(self, step: str, order_id: str) -> dict[str, Any] | None:
        """The powertools record of one (step, order): key "<Step>#<md5 of the JSON order id>"."""
        digest = hashlib.md5(json.dumps(order_id).encode(), usedforsecurity=False).hexdigest()
        response = self.clients.dynamodb.get_item(
            TableName=self.tables.idempotency, Key={"id": {"S": f"{step}#{digest}"}}, ConsistentRead=True
        )
        item = response.get("Item")
        return {key: next(iter(value.values())) for key, value in item.items()} if item else None


@pytest.fixture(scope="session")
def stack() -> Iterator[DeployedStack]:
    emulator = start_emulator_process()
    try:
        deployment = deploy(emulator.endpoint_url, "dev", config_overrides=FAST_RETRIES)
        clients = AwsClients(region="eu-west-1", endpoint_url=emulator.endpoint_url)
        seed_inventory(clients, deployment.outputs["inventoryTableName"], INVENTORY_FIXTURE)
        yield DeployedStack(emulator, deployment, clients)
    finally:
        emulator.stop()
