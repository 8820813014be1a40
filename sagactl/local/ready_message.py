"""What ``sagactl serve`` prints once the stack is up: its outputs, and AWS CLI commands to paste as printed, then
the same calls over HTTP through the checkout API (``sagactl http``, SigV4-signed).

The commands are (comment, command) pairs, printed as a shell script: comments start with ``#``, so the whole
block can be pasted at once. Each command names the endpoint and the region, and the AWS CLI by its absolute
path next to this Python (the venv's, so that it works without activating the venv). The pinned CLI is v1:
it has no ``logs tail``, hence ``logs filter-log-events``; and StartSyncExecution needs
AWS_DISABLE_HOST_PREFIX_INJECTION, or botocore sends it to ``sync-127.0.0.1``, a host that does not resolve.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from devstack.clients import FAKE_CREDENTIALS
from devstack.orders import PROJECT_ROOT, example_order, example_path
from sagactl.audit.arns import standard_execution_arn

if TYPE_CHECKING:  # deploying loads the Pulumi SDK: only the commands that deploy import it
    from devstack.stack import LocalStack

COMMANDS_HEADER = "Ready-to-paste commands (a shell runs the whole block as printed):"


def aws_cli() -> str:
    """The AWS CLI installed next to this Python (the venv's), else whatever ``aws`` the PATH finds."""
    beside = Path(sys.executable).with_name("aws")
    return shlex.quote(str(beside)) if beside.is_file() else "aws"


def sagactl() -> str:
    """`python -m sagactl` by this Python (the venv's) and with this repository on the path: it works from any
    directory, without activating the venv."""
    return f"PYTHONPATH={shlex.quote(str(PROJECT_ROOT))} {shlex.quote(sys.executable)} -m sagactl"


def http_commands(stack: LocalStack) -> list[tuple[str, str]]:
    """The same three things through the checkout API: each request SigV4-signed by `sagactl http`."""
    http = f"{sagactl()} http"
    base = str(stack.outputs["checkoutApiUrl"])
    order_id = str(example_order("http")["order_id"])
    return [
        (
            "The same over HTTP, through the checkout API (sagactl http signs with SigV4): start a checkout (202)",
            f"{http} POST {shlex.quote(base + '/checkouts')} --data {_data_file('http')}",
        ),
        (
            "Its status: RUNNING, SUCCEEDED with the payment, reservation and confirmation ids, or FAILED with why",
            f"{http} GET {shlex.quote(f'{base}/checkouts/{order_id}')}",
        ),
        (
            "Validate an order over HTTP (422 with every error)",
            f"{http} POST {shlex.quote(base + '/orders/validate')} --data {_data_file('invalid')}",
        ),
    ]


def ready_commands(stack: LocalStack, cli: str | None = None) -> list[tuple[str, str]]:
    """(comment, command) pairs; the first sets the credentials every later one needs."""
    aws = f"{cli or aws_cli()} --endpoint-url {shlex.quote(stack.endpoint_url)} --region {shlex.quote(stack.region)}"
    order_id = str(example_order("happy")["order_id"])
    execution = shlex.quote(standard_execution_arn(stack.checkout_arn, order_id))
    credentials = " ".join(f"{key}={FAKE_CREDENTIALS[key]}" for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
    return [
        ("Any credentials work against the emulator", f"export {credentials}"),
        (
            "Start a checkout through the live alias (the execution name is the order id: it dedupes resubmissions)",
            f"{aws} stepfunctions start-execution --state-machine-arn {shlex.quote(stack.checkout_alias_arn)} "
            f"--name {shlex.quote(order_id)} --input {_file_uri('happy')}",
        ),
        ("See how it ended", f"{aws} stepfunctions describe-execution --execution-arn {execution}"),
        ("Every step it took", f"{aws} stepfunctions get-execution-history --execution-arn {execution}"),
        (
            "Validate an order synchronously (Express), through its live alias",
            f"AWS_DISABLE_HOST_PREFIX_INJECTION=true {aws} stepfunctions start-sync-execution "
            f"--state-machine-arn {shlex.quote(stack.validation_alias_arn)} --input {_file_uri('invalid')}",
        ),
        (
            "A handler's logs",
            f"{aws} logs filter-log-events --log-group-name "
            f"{shlex.quote('/aws/lambda/' + stack.function_name('process_payment'))}",
        ),
        *http_commands(stack),
    ]


def ready_message(stack: LocalStack, cli: str | None = None) -> str:
    lines = ["", "Stack outputs:"]
    lines += [f"  {key:<32} {value}" for key, value in sorted(stack.outputs.items())]
    lines += ["", COMMANDS_HEADER]
    for comment, command in ready_commands(stack, cli):
        lines += [f"# {comment}", command]
    return "\n".join([*lines, ""])


def _data_file(example: str) -> str:
    return shlex.quote(f"@{example_path(example)}")


def _file_uri(example: str) -> str:
    return shlex.quote(f"file://{example_path(example)}")
