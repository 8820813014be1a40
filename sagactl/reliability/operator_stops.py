"""The chaos run's operator-stop fault: `StopExecution` on a running checkout at a seeded random moment.

A stop is what an operator (or a deploy script) does to a saga from outside: Step Functions ends it ABORTED at once
and runs none of its Catch, whatever step was in flight; that step's Lambda still runs to its end. The stack's
rollback workflow, started by EventBridge on the status change, must then undo the saga (or leave it alone past the
pivot), and the step still running must undo its own late effect. So after the run: every stopped saga has a
rollback that ended, and once the stopped steps' Lambdas can no longer be running, the invariant check judges them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from devstack.executions import poll_until
from sagactl.rollbacks import origin_of

STOP_ERROR, STOP_CAUSE = "OperatorStop", "sagactl chaos: an operator stopped this checkout"
# When after its start a chosen execution is stopped: across the whole saga, a few retries included.
STOP_DELAY_S = (0.0, 2.0)


@dataclass
class OperatorStops:
    """Seeded: whether, and when, each submission's execution is stopped (by its index among the submissions)."""

    seed: int
    rate: float
    delays: dict[int, float] = field(default_factory=dict)
    aborted: set[str] = field(default_factory=set)  # executions a stop found running (now ABORTED)
    _timers: list[threading.Timer] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self, submissions: int) -> None:
        draw = random.Random(self.seed)
        for index in range(submissions):
            chosen, delay = draw.random() < self.rate, draw.uniform(*STOP_DELAY_S)
            if chosen:
                self.delays[index] = delay

    def started(self, sfn: Any, index: int, execution_arn: str) -> None:
        """Schedules the stop of a just-started execution, if the plan has one for it."""
        delay = self.delays.get(index)
        if delay is None:
            return
        timer = threading.Timer(delay, self._stop, args=(sfn, execution_arn))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _stop(self, sfn: Any, execution_arn: str) -> None:
        if sfn.describe_execution(executionArn=execution_arn)["status"] != "RUNNING":
            return  # it ended before the operator got to it
        sfn.stop_execution(executionArn=execution_arn, error=STOP_ERROR, cause=STOP_CAUSE)
        if sfn.describe_execution(executionArn=execution_arn)["status"] == "ABORTED":
            with self._lock:
                self.aborted.add(execution_arn)

    def join(self) -> None:
        """Waits for every scheduled stop to have happened."""
        for timer in list(self._timers):
            timer.join()


def wait_for_rollbacks(sfn: Any, rollback_machine_arn: str, origins: Iterable[str], timeout_s: float) -> None:
    """Waits until each origin execution has a rollback that ended (the rule starts them asynchronously)."""
    pending = set(origins)
    origin_by_rollback: dict[str, str | None] = {}

    def all_rolled_back() -> bool | None:
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=rollback_machine_arn):
            for listed in page["executions"]:
                arn = listed["executionArn"]
                if arn not in origin_by_rollback:
                    origin = origin_of(_input(sfn, arn))
                    origin_by_rollback[arn] = origin[0] if origin else None
                if listed["status"] != "RUNNING":
                    pending.discard(origin_by_rollback[arn] or "")
        return True if not pending else None

    if pending:
        poll_until(all_rolled_back, timeout_s, lambda: f"{len(pending)} stopped checkouts without an ended rollback",
                   0.2, 2.0)


def _input(sfn: Any, execution_arn: str) -> str | None:
    try:
        return str(sfn.describe_execution(executionArn=execution_arn)["input"])
    except ClientError:
        return None


def outlive_stopped_steps(clients: Any, function_arns: Iterable[str]) -> None:
    """Waits as long as any stopped step's Lambda can still be running: the longest function timeout."""
    lambda_client = clients.client("lambda")
    timeout = max(
        (int(lambda_client.get_function_configuration(FunctionName=arn)["Timeout"]) for arn in set(function_arns)),
        default=0,
    )
    time.sleep(timeout)
