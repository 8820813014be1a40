"""Whatever the user can fix is answered in one line (`sagactl: ...`, exit 2), never with a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from devstack.control import ControlApiError
from sagactl.audit import AuditError
from sagactl.discovery import StackNotFound
from sagactl.errors import UserFacingError, user_message

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:4566"), "cannot reach http://127.0.0.1:4566"),
        (NoCredentialsError(), "no AWS credentials found"),
        (NoRegionError(), "pass --region"),
        (
            ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "GetExecutionHistory"),
            "AWS refused the request (AccessDeniedException): not allowed",
        ),
        (AuditError("no execution named 'x'"), "no execution named 'x'"),
        (StackNotFound("2 functions match 'payment'"), "2 functions match 'payment'"),
        (ControlApiError("cannot reach http://127.0.0.1:9/emulator-api: refused"), "cannot reach http://127.0.0.1:9"),
        (ValueError("unknown fault kind 'meteor'"), "unknown fault kind 'meteor'"),
        (FileNotFoundError(2, "No such file or directory", "stock.json"), "No such file or directory: stock.json"),
        (UserFacingError("first line\n  second line"), "first line second line"),  # always one line
    ],
)
def test_errors_the_user_can_fix_are_one_line(raised: Exception, expected: str) -> None:
    message = user_message(raised)
    assert message is not None and expected in message and "\n" not in message


def test_a_bug_is_not_dressed_up_as_a_user_error() -> None:
    assert user_message(KeyError("payments")) is None
    assert user_message(AttributeError("'NoneType' object has no attribute 'x'")) is None


def test_deploy_and_emulator_errors_are_recognised_once_their_modules_are_loaded() -> None:
    from devstack.deploy import UnsupportedResourceError
    from devstack.program import StackConfigError
    from emulator.ports import PortInUseError

    assert user_message(UnsupportedResourceError("the emulator cannot create resource 'r'")) is not None
    assert user_message(StackConfigError("no stack file Pulumi.staging.yaml")) is not None
    assert "port 4566" in (user_message(PortInUseError("127.0.0.1", 4566)) or "")


# --- the commands themselves, in a process each: no region, no credentials, an endpoint that is down ---------

AWS_COMMANDS = [["check"], ["recover"], ["executions"], ["trace", "ord-1001"]]
EMULATOR_COMMANDS = [
    *AWS_COMMANDS,
    ["chaos", "--sagas", "1"],
    ["fuzz", "--examples", "1"],
    ["faults", "set", "process_payment", "--fault", "throttle"],
    ["faults", "list"],
    ["faults", "clear"],
]


def sagactl(arguments: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """No AWS_* variable and an empty HOME: no region, no credentials, no profile."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sagactl", *arguments], cwd=REPO, env=environment, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def assert_one_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert re.fullmatch(r"sagactl: [^\n]+\n", result.stderr), result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("arguments", AWS_COMMANDS, ids=" ".join)
def test_without_a_region(arguments: list[str], tmp_path: Path) -> None:
    assert_one_line(sagactl(arguments, tmp_path), "no AWS region; pass --region")


@pytest.mark.parametrize("arguments", AWS_COMMANDS, ids=" ".join)
def test_without_credentials(arguments: list[str], tmp_path: Path) -> None:
    assert_one_line(sagactl([*arguments, "--region", "eu-west-1"], tmp_path), "no AWS credentials found")


@pytest.mark.parametrize("arguments", EMULATOR_COMMANDS, ids=" ".join)
def test_with_the_endpoint_down(arguments: list[str], tmp_path: Path, unused_port: int) -> None:
    endpoint = f"http://127.0.0.1:{unused_port}"
    assert_one_line(sagactl([*arguments, "--endpoint-url", endpoint], tmp_path), f"cannot reach {endpoint}/")

