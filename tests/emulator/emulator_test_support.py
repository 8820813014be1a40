"""Helpers for the emulator's own tests: starting the emulator as a process, clients, tiny Lambda zips.

The emulator runs as a subprocess (``python -m emulator --port <free port>``): moto's in-process backends
are global and other test suites use ``mock_aws`` in-process, so these tests never share that state.
Clients use fake credentials and eu-west-1. Lambda code is tiny zips built here, not the project's handlers.
"""


from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.client_config import DEFAULT_REGION, boto3_client, client_environment
from emulator.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AWS_CLI = str(Path(sys.executable).with_name("aws"))
ACCOUNT_ID = "123456789012"
READY_TIMEOUT_SECONDS = 60.0

# Set in the emulator's environment to prove workers do not inherit it.
PARENT_ONLY_VARIABLE = "EMULATOR_TEST_PARENT_SECRET"


@dataclass
class EmulatorProcess:
    process: subprocess.Popen[str]
    endpoint_url: str

    def client(self, service: str) -> Any:
        return boto3_client(service, self.endpoint_url, DEFAULT_REGION)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def start_emulator_process(port: int | None = None, extra_args: tuple[str, ...] = ()) -> EmulatorProcess:
    port = port or free_port()
    environment = dict(os.environ, **{PARENT_ONLY_VARIABLE: "must-not-leak"})
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port), *extra_args],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the emulator prints exactly one line, READY, once it serves
    if not line.startswith("READY "):
        process.kill()
        raise AssertionError(f"emulator did not become ready: {line!r}, exit code {process.wait()}")
    return EmulatorProcess(process, line.split()[1])


ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/lambda-role"


def zip_source(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            archive.writestr(name, textwrap.dedent(source))
    return buffer.getvalue()


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# create_function(source, timeout=3, environment=None, handler="app.handler", extra_files=None) -> name
CreateFunction = Callable[..., str]


def invoke(emulator: EmulatorProcess, function_name: str, event: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Invokes synchronously; returns the response with the payload parsed as JSON."""
    response = emulator.client("lambda").invoke(
        FunctionName=function_name, Payload=json.dumps(event if event is not None else {}), **kwargs
    )
    response["Payload"] = json.loads(response["Payload"].read())
    return dict(response)


def aws_cli(emulator: EmulatorProcess, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Runs the real AWS CLI against the emulator."""
    environment = {"PATH": os.environ.get("PATH", ""), **client_environment(emulator.endpoint_url)}
    return subprocess.run(
        [AWS_CLI, *arguments, "--endpoint-url", emulator.endpoint_url],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
