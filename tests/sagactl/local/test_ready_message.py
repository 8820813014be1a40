"""What `sagactl serve` prints: (comment, command) pairs a shell runs as printed (tests/e2e runs them for real)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from devstack.clients import AwsClients
from devstack.deploy import Deployment
from devstack.orders import PROJECT_ROOT, example_path
from devstack.stack import LocalStack
from sagactl.local.ready_message import COMMANDS_HEADER, aws_cli, http_commands, ready_commands, ready_message

ENDPOINT = "http://127.0.0.1:4566"
MACHINES = "arn:aws:states:eu-west-1:123456789012:stateMachine"
API = f"{ENDPOINT}/_aws/execute-api/ae8adf990e/v1"


@pytest.fixture
def stack() -> LocalStack:
    outputs = {
        "checkoutStateMachineArn": f"{MACHINES}:checkout-saga-checkout-dev",
        "checkoutAliasArn": f"{MACHINES}:checkout-saga-checkout-dev:live",
        "orderValidationStateMachineArn": f"{MACHINES}:checkout-saga-order-validation-dev",
        "orderValidationAliasArn": f"{MACHINES}:checkout-saga-order-validation-dev:live",
        "inventoryTableName": "checkout-saga-inventory-dev",
        "checkoutApiUrl": API,
    }
    return LocalStack(ENDPOINT, Deployment("dev", outputs, []), AwsClients(endpoint_url=ENDPOINT))


def test_the_cli_is_the_one_next_to_this_python_so_no_venv_needs_activating() -> None:
    assert aws_cli() == shlex.quote(str(Path(sys.executable).with_name("aws")))


def test_credentials_first_then_every_command_names_the_cli_the_endpoint_and_the_region(stack: LocalStack) -> None:
    (_, export), *rest = ready_commands(stack)
    assert shlex.split(export) == ["export", "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing"]
    for _, command in rest[: -len(http_commands(stack))]:
        words = shlex.split(command)
        start = words.index(shlex.split(aws_cli())[0])
        assert words[start + 1 : start + 5] == ["--endpoint-url", ENDPOINT, "--region", "eu-west-1"]


def test_the_sync_execution_turns_off_host_prefix_injection(stack: LocalStack) -> None:
    (command,) = [c for _, c in ready_commands(stack) if "start-sync-execution" in c]
    assert command.startswith("AWS_DISABLE_HOST_PREFIX_INJECTION=true ")
    assert [c for _, c in ready_commands(stack) if "AWS_DISABLE_HOST_PREFIX_INJECTION" in c] == [command]
    assert f"--state-machine-arn {stack.validation_alias_arn} " in command  # through the live alias, as callers do


def test_logs_are_read_with_filter_log_events_which_cli_v1_has(stack: LocalStack) -> None:
    commands = [c for _, c in ready_commands(stack)]
    assert not any("logs tail" in c for c in commands)
    (logs,) = [c for c in commands if " logs " in c]
    group = "/aws/lambda/checkout-saga-process-payment-dev"
    assert shlex.split(logs)[-3:] == ["filter-log-events", "--log-group-name", group]


def test_inputs_are_absolute_file_uris_that_survive_the_shell(stack: LocalStack, monkeypatch) -> None:
    monkeypatch.setattr("sagactl.local.ready_message.example_path", lambda name: Path("/a dir/order-happy.json"))
    (start,) = [c for _, c in ready_commands(stack) if " start-execution " in c]
    assert shlex.split(start)[-2:] == ["--input", "file:///a dir/order-happy.json"]
    # Callers start through the live alias; the execution is the state machine's (describe-execution's ARN).
    assert f"--state-machine-arn {MACHINES}:checkout-saga-checkout-dev:live " in start
    assert example_path("happy").is_absolute()


def test_the_message_is_the_outputs_then_each_comment_above_its_command(stack: LocalStack) -> None:
    text = ready_message(stack, cli="aws")
    outputs, block = text.split(COMMANDS_HEADER + "\n")
    assert f"checkoutStateMachineArn          {MACHINES}:checkout-saga-checkout-dev" in outputs
    lines = block.rstrip("\n").split("\n")
    pairs = ready_commands(stack, cli="aws")
    assert lines == [line for comment, command in pairs for line in (f"# {comment}", command)]


def test_the_http_calls_come_last_signed_by_sagactl_http_with_this_python(stack: LocalStack) -> None:
    checkout, status, validation = [shlex.split(c) for _, c in ready_commands(stack)[-3:]]
    prefix = [f"PYTHONPATH={PROJECT_ROOT}", sys.executable, "-m", "sagactl", "http"]
    assert checkout == [*prefix, "POST", f"{API}/checkouts", "--data", f"@{example_path('http')}"]
    assert status == [*prefix, "GET", f"{API}/checkouts/ord-1005"]
    assert validation == [*prefix, "POST", f"{API}/orders/validate", "--data", f"@{example_path('invalid')}"]
