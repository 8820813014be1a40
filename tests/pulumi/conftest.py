from __future__ import annotations

import pytest

from emulator.pulumi_program import ProgramRun, run_program
from tests.pulumi.fake_cloud import FakeCloud


class DeployedStack:
    def __init__(self, stack: str) -> None:
        self.cloud = FakeCloud()
        self.run: ProgramRun = run_program(self.cloud, stack)
        self.name = stack


@pytest.fixture(scope="session")
def dev_stack() -> DeployedStack:
    return DeployedStack("dev")


@pytest.fixture(scope="session")
def prod_stack() -> DeployedStack:
    return DeployedStack("prod")


@pytest.fixture(params=["dev", "prod"])
def stack(request, dev_stack, prod_stack) -> DeployedStack:
    return dev_stack if request.param == "dev" else prod_stack
