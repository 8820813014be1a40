"""One moto world for the audit tests, with every saga path executed once (concurrently, ~3 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sagactl.audit import Trail, load_trail
from tests.audit.moto_saga import SagaWorld, saga_world
from tests.audit.saga_paths import ALL_PATHS, SagaPath


class ExecutedPaths:
    def __init__(self, world: SagaWorld, arns: dict[str, str]) -> None:
        self.world = world
        self.arns = arns
        self._trails: dict[str, Trail] = {}

    def trail(self, path: SagaPath) -> Trail:
        if path.order_id not in self._trails:
            self._trails[path.order_id] = load_trail(self.world.clients, self.arns[path.order_id])
        return self._trails[path.order_id]


@pytest.fixture(scope="package")
def world() -> Iterator[SagaWorld]:
    with saga_world() as created:
        yield created


@pytest.fixture(scope="package")
def executed(world: SagaWorld) -> ExecutedPaths:
    arns = {path.order_id: world.start(path.order_id, path.script) for path in ALL_PATHS}
    for arn in arns.values():
        world.wait(arn)
    return ExecutedPaths(world, arns)
