"""Bring the whole stack up on the embedded emulator: start it, deploy the program, seed inventory."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.deploy import CreatedResource, Deployment, deploy
from emulator.server import Emulator
from sagactl.aws_clients import AwsClients

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"
INVENTORY_FIXTURE = Path(__file__).resolve().parent.parent / "emulator" / "fixtures" / "inventory.json"


@dataclass(frozen=True)
class LocalStack:
    endpoint_url: str
    region: str
    deployment: Deployment
    clients: AwsClients

    @property
    def outputs(self) -> dict[str, Any]:
        return self.deployment.outputs


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def local_stack(port: int, stack: str = "dev", fixture: Path = INVENTORY_FIXTURE) -> Iterator[LocalStack]:
    progress(f"starting the emulator on 127.0.0.1:{port} ...")
    with Emulator(port=port) as emulator:
        progress(f"emulator ready at {emulator.endpoint_url}; deploying stack '{stack}' ...")
        deployment = deploy(emulator.endpoint_url, stack, on_created=_report_created)
        region = _region_of(deployment)
        clients = AwsClients(region=region, endpoint_url=emulator.endpoint_url)
        stock = seed_inventory(clients, deployment.outputs["inventoryTableName"], fixture)
        progress(f"deployed {len(deployment.resources)} resources; seeded stock for {stock} SKUs from {fixture.name}")
        yield LocalStack(emulator.endpoint_url, region, deployment, clients)
        progress("stopping the emulator and its Lambda workers ...")


def seed_inventory(clients: AwsClients, table_name: str, fixture: Path) -> int:
    # The domain package owns its item layout; it ships inside the handlers' code archive.
    if str(HANDLERS_DIR) not in sys.path:
        sys.path.append(str(HANDLERS_DIR))
    from checkout_domain.inventory import seed_stock

    return seed_stock(table_name, json.loads(fixture.read_text()), client=clients.dynamodb)


def _report_created(resource: CreatedResource) -> None:
    progress(f"  + {resource.type.split(':')[-1]:<13} {resource.physical_id}")


def _region_of(deployment: Deployment) -> str:
    arn = str(deployment.outputs["checkoutStateMachineArn"])
    return arn.split(":")[3]
