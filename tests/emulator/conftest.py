"""The emulator's own tests: one shared emulator process, and a kit for tiny Lambda functions built from source.

The emulator runs as a subprocess (``python -m emulator --port <free port>``): moto's in-process backends are
global and other suites use ``mock_aws`` in-process, so these tests never share that state. Lambda code is tiny
zips built here, not the project's handlers.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.archives import zip_files
from devstack.aws_cli import run_aws_cli
from devstack.clients import EMULATOR_ACCOUNT_ID
from devstack.emulator_process import PROJECT_ROOT, EmulatorProcess, start_emulator_process

# A payment step for Step Functions tests: a Retry on TransientError and Catches (see charge_definition).
CHARGE_SOURCE = """
class PaymentDeclined(Exception):
    pass

class TransientError(Exception):
    pass

def handler(event, context):
    if event.get("fail") == "declined":
        raise PaymentDeclined("card declined")
    if event.get("fail") == "transient":
        raise TransientError("try again later")
    if event.get("sleep"):
        import time
        time.sleep(event["sleep"])
    return {"charged": event["amount"]}
"""


@dataclass(frozen=True)
class EmulatorKit:
    """What the emulator's tests share: names, tiny function archives, invocations, the CLI, more emulators."""

    account_id: str = EMULATOR_ACCOUNT_ID
    role_arn: str = f"arn:aws:iam::{EMULATOR_ACCOUNT_ID}:role/lambda-role"
    # Set in the emulator's environment to prove workers do not inherit it.
    parent_only_variable: str = "EMULATOR_TEST_PARENT_SECRET"
    project_root: Path = PROJECT_ROOT

    charge_source: str = CHARGE_SOURCE

    def start_emulator(
        self, extra_args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None
    ) -> EmulatorProcess:
        """An emulator process of the caller's own (the caller stops it)."""
        environment = {self.parent_only_variable: "must-not-leak", **(extra_env or {})}
        return start_emulator_process(extra_env=environment, extra_args=extra_args)

    @staticmethod
    def charge_definition(function_arn: str, resource: str) -> dict[str, Any]:
        """Charge (``resource``: "bare-arn" or "lambda:invoke") with a Retry on TransientError and Catches:
        PaymentDeclined -> Fail, TransientError -> Pass."""
        task: dict[str, Any] = {"Type": "Task", "End": True}
        if resource == "lambda:invoke":
            task.update(
                Resource="arn:aws:states:::lambda:invoke",
                Parameters={"FunctionName": function_arn, "Payload.$": "$"},
                OutputPath="$.Payload",
            )
        else:
            task["Resource"] = function_arn
        task["Retry"] = [{"ErrorEquals": ["TransientError"], "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1}]
        task["Catch"] = [
            {"ErrorEquals": ["PaymentDeclined"], "Next": "Declined"},
            {"ErrorEquals": ["TransientError"], "Next": "GaveUp"},
        ]
        return {
            "StartAt": "Charge",
            "States": {
                "Charge": task,
                "Declined": {"Type": "Fail", "Error": "OrderDeclined", "Cause": "payment declined"},
                "GaveUp": {"Type": "Pass", "Result": "gave up", "End": True},
            },
        }

    @staticmethod
    def zip_source(files: dict[str, str]) -> bytes:
        """A code archive of handler sources written in a test (indented as the test writes them)."""
        return zip_files({name: textwrap.dedent(source) for name, source in files.items()})

    @staticmethod
    def unique_name(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    @staticmethod
    def invoke(emulator: EmulatorProcess, function_name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
        """Invokes synchronously; returns the response with the payload parsed as JSON."""
        response = emulator.client("lambda").invoke(
            FunctionName=function_name, Payload=json.dumps(event if event is not None else {}), **kwargs
        )
        response["Payload"] = json.loads(response["Payload"].read())
        return dict(response)

    @staticmethod
    def aws_cli(emulator: EmulatorProcess, *arguments: str) -> subprocess.CompletedProcess[str]:
        """The real AWS CLI against that emulator."""
        return run_aws_cli(emulator.endpoint_url, *arguments)


@pytest.fixture(scope="session")
def kit() -> EmulatorKit:
    return EmulatorKit()


@pytest.fixture(scope="session")
def emulator(kit) -> Iterator[EmulatorProcess]:
    running = kit.start_emulator()
    running.client("iam").create_role(
        RoleName="lambda-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    yield running
    running.stop()


@pytest.fixture
def create_function(emulator: EmulatorProcess, kit) -> Callable[..., str]:
    """create_function(source, timeout=3, environment=None, handler="app.handler", extra_files=None, prefix="fn")
    creates a function from handler source (module ``app``) on the shared emulator; returns its name."""

    def create(
        source: str,
        timeout: int = 3,
        environment: dict[str, str] | None = None,
        handler: str = "app.handler",
        extra_files: dict[str, str] | None = None,
        prefix: str = "fn",
    ) -> str:
        name = kit.unique_name(prefix)
        emulator.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=kit.role_arn,
            Handler=handler,
            Code={"ZipFile": kit.zip_source({"app.py": source, **(extra_files or {})})},
            Timeout=timeout,
            MemorySize=256,
            Environment={"Variables": environment or {}},
        )
        return name

    return create
