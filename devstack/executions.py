"""Start Step Functions executions and wait for their end: one notion of "ended", one wait loop.

The same calls work against AWS and the emulator. Waiting polls at growing intervals (``poll_until``): a first
look soon, then less and less often, so that waiting does not compete with the executions for the service.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
DEFAULT_TIMEOUT_S = 120.0

T = TypeVar("T")


class ExecutionTimeout(TimeoutError):
    pass


def poll_until(
    check: Callable[[], T | None],
    timeout_s: float,
    describe: Callable[[], str],
    first_poll_s: float = 0.02,
    max_poll_s: float = 1.0,
    first_look_s: float = 0.0,
) -> T:
    """Calls ``check`` until it answers something other than None; ExecutionTimeout (naming ``describe()``)
    once ``timeout_s`` is up. The first call comes after ``first_look_s``; intervals then start at
    ``first_poll_s`` and grow by half up to ``max_poll_s``."""
    deadline = time.monotonic() + timeout_s
    interval = first_poll_s
    if first_look_s > 0:
        time.sleep(first_look_s)
    while True:
        answer = check()
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            raise ExecutionTimeout(f"{describe()} after {timeout_s:.0f}s")
        time.sleep(interval)
        interval = min(interval * 1.5, max_poll_s)


@dataclass(frozen=True)
class ExecutionResult:
    arn: str
    status: str
    error: str | None
    cause: str | None
    output: Any
    path: tuple[str, ...]
    duration_s: float  # as Step Functions records it: startDate to stopDate


def start_execution(sfn: Any, state_machine_arn: str, payload: Any, name: str | None = None) -> str:
    request: dict[str, Any] = {"stateMachineArn": state_machine_arn, "input": json.dumps(payload)}
    if name:
        request["name"] = name
    return str(sfn.start_execution(**request)["executionArn"])


def describe_when_ended(
    sfn: Any, execution_arn: str, timeout_s: float = DEFAULT_TIMEOUT_S, first_poll_s: float = 0.02,
    max_poll_s: float = 0.25, first_look_s: float = 0.0,
) -> dict[str, Any]:
    """DescribeExecution's answer once the execution has ended; the first look after ``first_look_s``."""
    last: dict[str, Any] = {}

    def ended() -> dict[str, Any] | None:
        last.update(sfn.describe_execution(executionArn=execution_arn))
        return dict(last) if last["status"] in TERMINAL else None

    return poll_until(ended, timeout_s, lambda: f"{execution_arn} still {last.get('status')}", first_poll_s,
                      max_poll_s, first_look_s)


def wait_for_execution(sfn: Any, execution_arn: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> ExecutionResult:
    """The execution's outcome and the states it entered, once it has ended."""
    described = describe_when_ended(sfn, execution_arn, timeout_s)
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


def wait_until_ended(
    sfn: Any, state_machine_arn: str, execution_arns: list[str], timeout_s: float
) -> list[str]:
    """Waits for every one of many executions to end; returns those still running when ``timeout_s`` is up.

    Polls the machine's RUNNING list (one paginated call) rather than describing each execution: at a
    thousand executions that keeps the waiting from competing with the executions for the service.
    """
    pending = set(execution_arns)

    def all_ended() -> bool | None:
        running = _running_arns(sfn, state_machine_arn)
        if running is not None:
            pending.intersection_update(running)
        return True if not pending else None

    with contextlib.suppress(ExecutionTimeout):  # the answer is what is still running
        poll_until(all_ended, timeout_s, lambda: f"{len(pending)} executions still running", 0.1, 1.0)
    return sorted(pending)


def _running_arns(sfn: Any, state_machine_arn: str) -> set[str] | None:
    """The machine's RUNNING executions, or None when the listing changed under its pagination token.

    Pages of 1,000 (the API's maximum) keep a thousand running executions to one call. Beyond that, executions
    ending between two pages can invalidate the token (InvalidToken: the item the token names left the RUNNING
    list); the caller then simply polls again.
    """
    try:
        return {
            e["executionArn"]
            for page in sfn.get_paginator("list_executions").paginate(
                stateMachineArn=state_machine_arn, statusFilter="RUNNING", PaginationConfig={"PageSize": 1000}
            )
            for e in page["executions"]
        }
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "InvalidToken":
            raise
        return None


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
