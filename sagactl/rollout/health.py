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


def health_of(sfn: Any, machine_arn: str, version_arn: str, since: datetime.datetime) -> Health:
    """The executions of `machine_arn` started at or after `since` that ran `version_arn` and have ended. Each is
    described: DescribeExecution names the version an execution ran, on AWS and on the emulator alike."""
    business = business_outcomes()
    ended = failures = 0
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine_arn):
        for listed in page["executions"]:
            if listed["startDate"] < since or listed["status"] == "RUNNING":
                continue
            description = sfn.describe_execution(executionArn=listed["executionArn"])
            if description.get("stateMachineVersionArn") != version_arn:
                continue
            ended += 1
            failures += is_technical_failure(description, business)
    return Health(ended, failures)
