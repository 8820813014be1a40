"""The real program's declared resources for dev and prod (FakeCloud), shared by the static security tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

# Imported before any handler module (test_least_privilege runs them in-process): moto, and the environment the
# handler modules read when imported, exactly as for the handler tests.
import tests.handlers.conftest  # noqa: F401
from emulator.pulumi_program import run_program
from tests.pulumi.fake_cloud import DeclaredResource, FakeCloud


@dataclass
class DeclaredStack:
    name: str
    cloud: FakeCloud

    @property
    def resources(self) -> list[DeclaredResource]:
        return self.cloud.resources


def declared(stack: str) -> DeclaredStack:
    cloud = FakeCloud()
    run_program(cloud, stack)
    return DeclaredStack(stack, cloud)


@pytest.fixture(scope="session")
def declared_stacks() -> dict[str, DeclaredStack]:
    return {name: declared(name) for name in ("dev", "prod")}


@pytest.fixture(params=["dev", "prod"])
def declared_stack(request: pytest.FixtureRequest, declared_stacks: dict[str, DeclaredStack]) -> DeclaredStack:
    return declared_stacks[request.param]
