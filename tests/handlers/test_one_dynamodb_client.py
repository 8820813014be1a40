"""A cold start creates one DynamoDB client, shared by powertools' idempotency store and the steps' own writes.

In a fresh interpreter, as a Lambda worker starts: the test fixtures replace both clients, so only a process
of its own sees what the modules create at import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"

COUNT_CLIENTS = """
import botocore.session
created = []
original = botocore.session.Session.create_client
def counting(self, service_name, *args, **kwargs):
    created.append(service_name)
    return original(self, service_name, *args, **kwargs)
botocore.session.Session.create_client = counting
import reserve_inventory
from checkout_domain import dynamodb, idempotency
dynamodb.client()  # what the first invocation's writes use
assert idempotency.persistence_layer.client is dynamodb.client()
print(created.count("dynamodb"))
"""


def test_a_cold_start_creates_one_dynamodb_client():
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "IDEMPOTENCY_TABLE_NAME": "idempotency", "INVENTORY_TABLE_NAME": "inventory", "PYTHONPATH": str(HANDLERS)}
    completed = subprocess.run(
        [sys.executable, "-c", COUNT_CLIENTS], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "1"
