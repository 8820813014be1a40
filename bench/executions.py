"""Start Standard executions and wait for each to end, cheaply: the waiting must not load the emulator.

Each execution is polled with DescribeExecution at growing intervals (from 10 ms or the expected duration,
then x1.5 up to 100 ms): every poll is a request the emulator must serve, on the core it needs. Its
latency is the duration Step Functions records (startDate to stopDate), which polling cannot blur; the
client-observed time (start request to the poll that saw the end) is kept too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sagactl.cost.orders import SagaPath

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
FIRST_POLL_S = 0.010
MAX_POLL_S = 0.100
TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Finished:
    path: SagaPath
    arn: str
    status: str
    error: str | None
    duration_s: float  # as Step Functions records it
    client_s: float  # StartExecution sent -> end observed


def run_standard(
    sfn: Any,
    state_machine_arn: str,
    work: Sequence[tuple[SagaPath, dict[str, Any]]],
    concurrency: int,
    first_poll_s: float = FIRST_POLL_S,
) -> tuple[list[Finished], float]:
    """Runs every (path, order) at the given concurrency; returns the executions and the wall time.
    ``first_poll_s``: when to look first (an execution's expected duration saves needless polls)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        finished = list(pool.map(lambda item: run_one(sfn, state_machine_arn, item[0], item[1], first_poll_s), work))
    return finished, time.perf_counter() - started


def run_one(
    sfn: Any, state_machine_arn: str, path: SagaPath, order: dict[str, Any], first_poll_s: float = FIRST_POLL_S
) -> Finished:
    sent = time.perf_counter()
    arn = sfn.start_execution(stateMachineArn=state_machine_arn, name=order["order_id"], input=json.dumps(order))[
        "executionArn"
    ]
    described = wait(sfn, arn, first_poll_s)
    observed = time.perf_counter() - sent
    stopped = described.get("stopDate") or described["startDate"]
    return Finished(
        path=path,
        arn=arn,
        status=described["status"],
        error=described.get("error"),
        duration_s=(stopped - described["startDate"]).total_seconds(),
        client_s=observed,
    )


def wait(sfn: Any, execution_arn: str, first_poll_s: float = FIRST_POLL_S) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT_S
    interval = first_poll_s
    while True:
        time.sleep(interval)
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in TERMINAL:
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still {described['status']} after {TIMEOUT_S:.0f} s")
        interval = min(interval * 1.5, MAX_POLL_S)


def wrong_outcomes(
    finished: Sequence[Finished], expected: dict[SagaPath, tuple[str, str | None]]
) -> list[str]:
    return [
        f"{f.path.value}: {f.status} {f.error or ''} ({f.arn})"
        for f in finished
        if (f.status, f.error) != expected[f.path]
    ]
