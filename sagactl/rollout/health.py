"""What a rollout judges a version by: the technical-failure rate of the executions it ran.

A business outcome (an invalid order, a declined card, an item out of stock) is the saga working as designed; any
other failure, time-out or abort is technical: a new version that causes them is broken.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from asl.checkout_saga import CHECKOUT_SAGA
from asl.model import Saga

ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")


def business_outcomes(saga: Saga = CHECKOUT_SAGA) -> frozenset[str]:
    outcomes = {saga.validation.invalid.outcome}
    outcomes.update(error.outcome for step in saga.steps for error in step.business_errors)
    return frozenset(outcomes)


@dataclass(frozen=True)
class Health:
    ended: int
    technical_failures: int

    @property
    def failure_rate(self) -> float:
        return self.technical_failures / self.ended if self.ended else 0.0


def is_technical_failure(description: dict[str, Any], business: frozenset[str]) -> bool:
    return description["status"] in ENDED_BADLY and description.get("error") not in business


class HealthWatch:
    """The ended executions of `machine_arn` started at or after `since`, watched over a rollout. Each is described
    once (DescribeExecution names the version an execution ran, on AWS and on the emulator alike), when it is first
    seen ended: what an ended execution ran and how it ended never change, so a look costs one listing and the
    executions that ended since the last look, not every execution again (DescribeExecution is throttled on AWS)."""

    def __init__(self, sfn: Any, machine_arn: str, since: datetime.datetime) -> None:
        self._sfn, self._machine_arn, self._since = sfn, machine_arn, since
        self._ended: dict[str, dict[str, Any]] = {}
        self._business = business_outcomes()

    def health_of(self, version_arn: str) -> Health:
        for page in self._sfn.get_paginator("list_executions").paginate(stateMachineArn=self._machine_arn):
            for listed in page["executions"]:
                arn = listed["executionArn"]
                if listed["startDate"] < self._since or listed["status"] == "RUNNING" or arn in self._ended:
                    continue
                self._ended[arn] = self._sfn.describe_execution(executionArn=arn)
        ran = [d for d in self._ended.values() if d.get("stateMachineVersionArn") == version_arn]
        return Health(len(ran), sum(is_technical_failure(d, self._business) for d in ran))
