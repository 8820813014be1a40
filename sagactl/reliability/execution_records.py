"""What the invariant checker needs to know of each Standard execution: status, outcome, and its order.

The order is read from the execution's own input (DescribeExecution), so an execution is tied to the order
it was started for even when it failed before any step recorded anything.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devstack.executions import TERMINAL

_DESCRIBE_THREADS = 16


@dataclass(frozen=True)
class ExecutionRecord:
    arn: str
    name: str
    status: str
    error: str | None
    cause: str | None
    input: Any  # the parsed input (the raw text if it is not JSON)
    start: datetime
    stop: datetime | None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def order_id(self) -> str | None:
        value = self.input.get("order_id") if isinstance(self.input, dict) else None
        return value if isinstance(value, str) else None

    @property
    def ordered_quantities(self) -> dict[str, int]:
        """SKU -> quantity, as ordered (only meaningful for an order that passed validation)."""
        items = self.input.get("items") if isinstance(self.input, dict) else None
        lines = items if isinstance(items, list) else []
        return {line["sku"]: line["quantity"] for line in lines if isinstance(line, dict) and "sku" in line}

    @property
    def order_total_minor(self) -> int:
        items = self.input.get("items") if isinstance(self.input, dict) else None
        lines = items if isinstance(items, list) else []
        return sum(int(line["quantity"]) * int(line["unit_price_minor"]) for line in lines if isinstance(line, dict))


def describe(sfn: Any, execution_arn: str) -> ExecutionRecord:
    described = sfn.describe_execution(executionArn=execution_arn)
    raw = described.get("input", "null")
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw
    return ExecutionRecord(
        arn=execution_arn,
        name=described["name"],
        status=described["status"],
        error=described.get("error"),
        cause=described.get("cause"),
        input=parsed,
        start=described["startDate"],
        stop=described.get("stopDate"),
    )


def describe_all(sfn: Any, execution_arns: list[str]) -> list[ExecutionRecord]:
    with ThreadPoolExecutor(_DESCRIBE_THREADS) as pool:
        return list(pool.map(lambda arn: describe(sfn, arn), dict.fromkeys(execution_arns)))


def list_execution_arns(sfn: Any, state_machine_arn: str, since: datetime | None = None) -> list[str]:
    arns: list[str] = []
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn):
        arns.extend(e["executionArn"] for e in page["executions"] if since is None or e["startDate"] >= since)
    return arns
