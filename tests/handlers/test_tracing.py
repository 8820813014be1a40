"""Each handler's Tracer instruments the AWS SDK only (checkout_domain.tracing): patching every library the X-Ray
SDK supports imports them all in every cold start. validate_order patches nothing where it makes no AWS call
(a stack that refuses plaintext payment tokens).

In a fresh interpreter with Lambda's variables, where powertools turns tracing on (the test fixtures turn it
off, and patches last for the life of a process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
HANDLER_MODULES = (
    "validate_order", "process_payment", "reserve_inventory", "confirm_order", "refund_payment", "release_inventory",
)

PATCHED_AND_IMPORTED = """
import sys
import {module}
from aws_xray_sdk.core import patcher
print(sorted(patcher._PATCHED_MODULES))
print("requests" in sys.modules, "sqlite3" in sys.modules)
"""


@pytest.mark.parametrize("module", HANDLER_MODULES)
def test_the_tracer_patches_botocore_and_imports_nothing_else_to_patch(module: str) -> None:
    assert patched_by(module, accept_plaintext_tokens=True) == ("['botocore']", "False False")


def test_validate_order_patches_nothing_where_it_calls_no_aws_service() -> None:
    assert patched_by("validate_order", accept_plaintext_tokens=False) == ("[]", "False False")
    assert patched_by("process_payment", accept_plaintext_tokens=False) == ("['botocore']", "False False")


def patched_by(module: str, accept_plaintext_tokens: bool) -> tuple[str, str]:
    """(the X-Ray SDK's patched modules, whether requests / sqlite3 were imported) after importing ``module``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POWERTOOLS_", "AWS_ENDPOINT_URL"))
    }
    env.update(
        AWS_DEFAULT_REGION="eu-west-1", AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
        LAMBDA_TASK_ROOT=str(HANDLERS), AWS_LAMBDA_FUNCTION_NAME=f"checkout-{module}", PYTHONPATH=str(HANDLERS),
        IDEMPOTENCY_TABLE_NAME="idempotency", ORDERS_TABLE_NAME="orders", PAYMENTS_TABLE_NAME="payments",
        INVENTORY_TABLE_NAME="inventory", PAYMENT_TOKEN_KEY_ARN="arn:aws:kms:eu-west-1:123456789012:key/k",
        ACCEPT_PLAINTEXT_PAYMENT_TOKENS=str(accept_plaintext_tokens).lower(),
    )
    completed = subprocess.run(
        [sys.executable, "-c", PATCHED_AND_IMPORTED.format(module=module)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    patched, imported = completed.stdout.strip().splitlines()
    return patched, imported
