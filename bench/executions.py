"""Start Standard executions and wait for each to end, cheaply: the waiting must not load the emulator.

Each execution is polled with DescribeExecution, first just before executions of the same run have been seen
to end (PollSchedule: 80% of the median of the last 32 start-to-end times the client saw; the given first
poll until one has ended), then at growing intervals (from a tenth of that median, at least 10 ms, x1.5 up to
100 ms). Every poll is a request the emulator must serve, on the cores the sagas need: polling from a fixed
early start cost ~7 polls per saga under load, a third of the emulator's requests (bench.sections). Latency
is the duration Step Functions records (startDate to stopDate), which polling cannot blur; the
client-observed time (start request to the poll that saw the end) is kept too.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sagactl.cost.orders import SagaPath

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
FIRST_POLL_S = 0.010
MAX_POLL_S = 0.100
TIMEOUT_S = 120.0


class PollSchedule:
    """When to look at an execution: first a little before executions like it have been seen to end, then
    at growing intervals."""

    def __init__(self, first_poll_s: float = FIRST_POLL_S, window: int = 32, fraction: float = 0.8) -> None:
        self._initial_s = first_poll_s
        self._fraction = fraction
        self._recent: deque[float] = deque(maxlen=window)
        self._lock = threading.Lock()

    def polls(self) -> tuple[float, float]:
        """(first poll, first interval after it), in seconds from the start request."""
        with self._lock:
            if not self._recent:
                return self._initial_s, FIRST_POLL_S
            median = statistics.median(self._recent)
        return max(FIRST_POLL_S, self._fraction * median), max(FIRST_POLL_S, median / 10)

    def record(self, observed_s: float) -> None:
        """An execution of this run was seen to end ``observed_s`` after its start request."""
        with self._lock:
            self._recent.append(observed_s)


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
    ``first_poll_s``: when to look first until an execution has ended (see PollSchedule)."""
    schedule = PollSchedule(first_poll_s)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        finished = list(pool.map(lambda item: run_one(sfn, state_machine_arn, item[0], item[1], schedule), work))
    return finished, time.perf_counter() - started


def run_one(
    sfn: Any, state_machine_arn: str, path: SagaPath, order: dict[str, Any], schedule: PollSchedule | None = None
) -> Finished:
    schedule = schedule or PollSchedule()
    sent = time.perf_counter()
    arn = sfn.start_execution(stateMachineArn=state_machine_arn, name=order["order_id"], input=json.dumps(order))[
        "executionArn"
    ]
    first_poll_s, then_s = schedule.polls()
    described = wait(sfn, arn, first_poll_s, then_s)
    observed = time.perf_counter() - sent
    schedule.record(observed)
    stopped = described.get("stopDate") or described["startDate"]
    return Finished(
        path=path,
        arn=arn,
        status=described["status"],
        error=described.get("error"),
        duration_s=(stopped - described["startDate"]).total_seconds(),
        client_s=observed,
    )


def wait(
    sfn: Any, execution_arn: str, first_poll_s: float = FIRST_POLL_S, then_s: float | None = None
) -> dict[str, Any]:
    """Polls until the execution ends: after ``first_poll_s``, then every ``then_s`` (default: the first
    poll's wait) growing x1.5 up to MAX_POLL_S."""
    deadline = time.monotonic() + TIMEOUT_S
    time.sleep(first_poll_s)
    interval = first_poll_s if then_s is None else then_s
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in TERMINAL:
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still {described['status']} after {TIMEOUT_S:.0f} s")
        interval = min(interval * 1.5, MAX_POLL_S)
        time.sleep(interval)


def wrong_outcomes(
    finished: Sequence[Finished], expected: dict[SagaPath, tuple[str, str | None]]
) -> list[str]:
    return [
        f"{f.path.value}: {f.status} {f.error or ''} ({f.arn})"
        for f in finished
        if (f.status, f.error) != expected[f.path]
    ]
