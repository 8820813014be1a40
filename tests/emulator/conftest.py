"""Fixtures for the emulator's tests: one shared emulator process, and a factory for test functions."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.emulator.emulator_test_support import (
    ROLE_ARN,
    CreateFunction,
    EmulatorProcess,
    start_emulator_process,
    unique_name,
    zip_source,
)


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    running = start_emulator_process()
    running.client("iam").create_role(
        RoleName="lambda-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    yield running
    running.stop()


@pytest.fixture
def create_function(emulator: EmulatorProcess) -> CreateFunction:
    """Creates a function from handler source (module ``app``, handler ``app.handler``); returns its name."""

    def create(
        source: str,
        timeout: int = 3,
        environment: dict[str, str] | None = None,
        handler: str = "app.handler",
        extra_files: dict[str, str] | None = None,
        prefix: str = "fn",
    ) -> str:
        name = unique_name(prefix)
        emulator.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=ROLE_ARN,
            Handler=handler,
            Code={"ZipFile": zip_source({"app.py": source, **(extra_files or {})})},
            Timeout=timeout,
            MemorySize=256,
            Environment={"Variables": environment or {}},
        )
        return name

    return create


