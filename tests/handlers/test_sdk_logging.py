"""At DEBUG (dev) a handler logs its own records, never the AWS SDK's requests: with Lambda's JSON log format the
runtime sets the root logger to the function's level, and botocore at DEBUG logs every request it sends, bodies
included. In a fresh interpreter whose root logger is at DEBUG, as Lambda's runtime leaves it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
EMITTED = """
import json, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
import {module}
print(json.dumps({{name: logging.getLogger(name).getEffectiveLevel() for name in ("botocore", "boto3", "urllib3")}}))
"""


@pytest.mark.parametrize("module", ["validate_order", "process_payment", "refund_payment"])
def test_the_sdk_logs_at_info_at_most_whatever_the_function_s_level(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", EMITTED.format(module=module)], cwd=HANDLERS, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={"AWS_DEFAULT_REGION": "eu-west-1", "POWERTOOLS_LOG_LEVEL": "DEBUG", "PATH": "/usr/bin",
                               **{f"{table}_TABLE_NAME": table.lower() for table in
                                  ("ORDERS", "PAYMENTS", "INVENTORY", "IDEMPOTENCY")}})
    assert done.returncode == 0, done.stderr

    levels = json.loads(done.stdout.strip().splitlines()[-1])
    assert levels == {"botocore": 20, "boto3": 20, "urllib3": 20}
