"""Run checkout orders as Standard executions at a given concurrency and collect how each ended.

Starting and waiting are devstack's (start_execution, describe_when_ended: its one wait loop). Latency is the
duration Step Functions records (startDate to stopDate), which the polling interval cannot blur.
"""

from __future__ import annotations

import time
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


def run_standard(
    sfn: Any, state_machine_arn: str, work: Sequence[tuple[SagaPath, dict[str, Any]]], concurrency: int
) -> tuple[list[Finished], float]:
    """Runs every (path, order) at ``concurrency`` executions in flight; returns how each ended and the wall time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        finished = list(pool.map(lambda item: run_one(sfn, state_machine_arn, *item), work))
    return finished, time.perf_counter() - started


def run_one(sfn: Any, state_machine_arn: str, path: SagaPath, order: dict[str, Any]) -> Finished:
    arn = start_execution(sfn, state_machine_arn, order, str(order["order_id"]))
    described = describe_when_ended(sfn, arn)
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
