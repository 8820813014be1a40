"""Run checkout orders as Standard executions at a given concurrency and collect how each ended.

Starting and waiting are devstack's (start_execution, describe_when_ended: its one wait loop). Latency is the
duration Step Functions records (startDate to stopDate), which the polling interval cannot blur. Polling can
still load what it measures: every look is a request the emulator serves on the cores the saga needs. So the
first look at an execution comes a little before executions of the same run have been seen to end (FirstLook).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from devstack.executions import describe_when_ended, start_execution
from sagactl.cost.orders import SagaPath


@dataclass(frozen=True)
class Finished:
    path: SagaPath
    arn: str
    status: str
    error: str | None
    duration_s: float  # as Step Functions records it


class FirstLook:
    """When to look first at an execution: ``fraction`` of the median time from start request to seen ended
    over the run's last ``window`` executions; at once until one has ended."""

    def __init__(self, window: int = 32, fraction: float = 0.8) -> None:
        self._fraction = fraction
        self._seen: deque[float] = deque(maxlen=window)
        self._lock = threading.Lock()

    def seconds(self) -> float:
        with self._lock:
            return self._fraction * statistics.median(self._seen) if self._seen else 0.0

    def record(self, seen_ended_s: float) -> None:
        with self._lock:
            self._seen.append(seen_ended_s)


def run_standard(
    sfn: Any, state_machine_arn: str, work: Sequence[tuple[SagaPath, dict[str, Any]]], concurrency: int
) -> tuple[list[Finished], float]:
    """Runs every (path, order) at ``concurrency`` executions in flight; returns how each ended and the wall time."""
    first_look = FirstLook()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        finished = list(pool.map(lambda item: run_one(sfn, state_machine_arn, item[0], item[1], first_look), work))
    return finished, time.perf_counter() - started


def run_one(
    sfn: Any, state_machine_arn: str, path: SagaPath, order: dict[str, Any], first_look: FirstLook
) -> Finished:
    sent = time.perf_counter()
    arn = start_execution(sfn, state_machine_arn, order, str(order["order_id"]))
    described = describe_when_ended(sfn, arn, first_look_s=first_look.seconds())
    first_look.record(time.perf_counter() - sent)
    stopped = described.get("stopDate") or described["startDate"]
    return Finished(path, arn, described["status"], described.get("error"),
                    (stopped - described["startDate"]).total_seconds())


def wrong_outcomes(
    finished: Sequence[Finished], expected: Mapping[SagaPath, tuple[str, str | None]]
) -> list[str]:
    """One line per execution that did not end as its path should (status, error)."""
    return [
        f"{f.path.value}: {f.status} {f.error or ''} ({f.arn})"
        for f in finished
        if (f.status, f.error) != expected[f.path]
    ]
