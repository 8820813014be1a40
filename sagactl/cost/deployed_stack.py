"""A deployed stack on the emulator, as the cost measurement (and the benchmarks) address it."""

from __future__ import annotations

import json
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sagactl.aws_clients import AwsClients

HANDLERS_DIR = Path(__file__).resolve().parents[2] / "handlers"
STOCK = 10_000_000


@dataclass(frozen=True)
class DeployedStack:
    endpoint_url: str
    region: str
    stack: str
    outputs: dict[str, Any]
    clients: AwsClients
    run_id: str  # names this run's SKUs, so that its stock is its own

    @property
    def checkout_arn(self) -> str:
        return str(self.outputs["checkoutStateMachineArn"])

    @property
    def validation_arn(self) -> str:
        return str(self.outputs["orderValidationStateMachineArn"])

    @property
    def happy_skus(self) -> tuple[str, str]:
        return f"RUN-{self.run_id}-MOUSE", f"RUN-{self.run_id}-HUB"

    @property
    def empty_sku(self) -> str:
        return f"RUN-{self.run_id}-EMPTY"

    def function_name(self, module: str) -> str:
        return f"checkout-saga-{module.replace('_', '-')}-{self.stack}"

    def function_configuration(self, module: str) -> dict[str, Any]:
        configuration: dict[str, Any] = self.clients.client("lambda").get_function_configuration(
            FunctionName=self.function_name(module)
        )
        return configuration

    def control(self, path: str, body: Any = None, method: str = "GET", timeout: float = 30) -> Any:
        """A request to the emulator's control API (/emulator-api/...), with ``body`` as JSON; its JSON answer."""
        request = urllib.request.Request(
            f"{self.endpoint_url}/emulator-api/{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={} if body is None else {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def client_environment(self) -> dict[str, str]:
        """What handler code imported in this process needs to reach the emulator as a worker does."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def stock_run_skus(self) -> None:
        # The domain package owns the inventory item layout (it ships in the handlers' archive).
        if str(HANDLERS_DIR) not in sys.path:
            sys.path.append(str(HANDLERS_DIR))
        from checkout_domain.inventory import seed_stock

        levels = [{"sku": sku, "stock": STOCK} for sku in self.happy_skus]
        levels.append({"sku": self.empty_sku, "stock": 0})
        seed_stock(self.outputs["inventoryTableName"], levels, client=self.clients.dynamodb)
