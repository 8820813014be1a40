"""Start executions and wait for their outcome; read the path a Standard execution took."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class ExecutionTimeout(TimeoutError):
    pass


@dataclass(frozen=True)
class ExecutionResult:
    arn: str
    status: str
    error: str | None
    cause: str | None
    output: Any
    path: tuple[str, ...]
    duration_s: float


def start_execution(sfn: Any, state_machine_arn: str, payload: dict[str, Any], name: str | None = None) -> str:
    request: dict[str, Any] = {"stateMachineArn": state_machine_arn, "input": json.dumps(payload)}
    if name:
        request["name"] = name
    return str(sfn.start_execution(**request)["executionArn"])


def wait_for_execution(sfn: Any, execution_arn: str, timeout_s: float = 120.0, poll_s: float = 0.05) -> ExecutionResult:
    deadline = time.monotonic() + timeout_s
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in TERMINAL:
            break
        if time.monotonic() > deadline:
            raise ExecutionTimeout(f"{execution_arn} still {described['status']} after {timeout_s:.0f}s")
        time.sleep(poll_s)
    stopped = described.get("stopDate") or described["startDate"]
    return ExecutionResult(
        arn=execution_arn,
        status=described["status"],
        error=described.get("error"),
        cause=described.get("cause"),
        output=json.loads(described["output"]) if described.get("output") else None,
        path=tuple(states_entered(sfn, execution_arn)),
        duration_s=(stopped - described["startDate"]).total_seconds(),
    )


def states_entered(sfn: Any, execution_arn: str) -> list[str]:
    """Names of the states entered, in order, from the full (paginated) execution history."""
    names = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        for event in page["events"]:
            details = event.get("stateEnteredEventDetails")
            if details:
                names.append(details["name"])
    return names


@dataclass(frozen=True)
class SyncResult:
    status: str
    error: str | None
    cause: str | None
    output: Any
    duration_s: float
    billed_duration_ms: int | None


def start_sync_execution(sfn: Any, state_machine_arn: str, payload: Any) -> SyncResult:
    started = time.perf_counter()
    response = sfn.start_sync_execution(stateMachineArn=state_machine_arn, input=json.dumps(payload))
    billing = response.get("billingDetails") or {}
    return SyncResult(
        status=response["status"],
        error=response.get("error"),
        cause=response.get("cause"),
        output=json.loads(response["output"]) if response.get("output") else None,
        duration_s=time.perf_counter() - started,
        billed_duration_ms=billing.get("billedDurationInMilliseconds"),
    )
