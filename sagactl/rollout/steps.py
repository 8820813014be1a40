"""The rollout loop: set a weight, watch, judge, go on or roll back, saying every step."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from components.alias_routing import FULL_WEIGHT, previous_version_arn, version_number
from sagactl.errors import UserFacingError
from sagactl.rollout.health import HealthWatch

Say = Callable[[str], None]


@dataclass(frozen=True)
class RolloutSettings:
    steps: tuple[int, ...] = (10, 50, 100)
    watch_seconds: float = 60.0
    # Roll back when more than this share of the new version's ended executions failed technically.
    max_failure_rate: float = 0.05
    # Judge a step only on at least this many ended executions of the new version.
    min_executions: int = 5
    # How long a step may watch, past watch_seconds, for min_executions to end (low traffic); None: no longer.
    max_watch_seconds: float | None = None
    poll_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not self.steps or any(not 0 < s <= FULL_WEIGHT for s in self.steps) or list(self.steps) != sorted(
            set(self.steps)
        ) or self.steps[-1] != FULL_WEIGHT:
            raise ValueError(f"steps must rise from above 0 to 100, e.g. 10,50,100; got {list(self.steps)}")
        if not 0 <= self.max_failure_rate < 1:
            raise ValueError(f"the failure threshold must be between 0 and 1, got {self.max_failure_rate}")
        if self.watch_seconds < 0 or self.min_executions < 1:
            raise ValueError("the watch must not be negative and at least one execution must be judged")
        if self.max_watch_seconds is not None and self.max_watch_seconds < self.watch_seconds:
            raise ValueError(f"the longest watch ({self.max_watch_seconds:g} s) must not be shorter than the watch "
                             f"({self.watch_seconds:g} s)")

    @property
    def longest_watch_seconds(self) -> float:
        return self.watch_seconds if self.max_watch_seconds is None else self.max_watch_seconds


@dataclass(frozen=True)
class Versions:
    newest: str
    previous: str


def versions_to_roll(sfn: Any, alias_arn: str) -> Versions:
    """The newest version of the alias's machine, and the one the alias routes the rest to (else the one before)."""
    machine_arn = alias_arn.rsplit(":", 1)[0]
    listed = [v["stateMachineVersionArn"] for v in sfn.list_state_machine_versions(stateMachineArn=machine_arn)
              ["stateMachineVersions"]]
    if not listed:
        raise UserFacingError(f"{machine_arn} has no published version to roll out")
    newest = max(listed, key=version_number)
    routed = [r["stateMachineVersionArn"] for r in sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
              ["routingConfiguration"]]
    previous = next((arn for arn in routed if arn != newest), None) or previous_version_arn(newest)
    if previous is None:
        raise UserFacingError(f"{newest} is the first version: there is nothing to roll out from")
    return Versions(newest, previous)


def route(sfn: Any, alias_arn: str, versions: Versions, weight: int) -> None:
    routing = [{"stateMachineVersionArn": versions.newest, "weight": weight}]
    if weight < FULL_WEIGHT:
        routing.append({"stateMachineVersionArn": versions.previous, "weight": FULL_WEIGHT - weight})
    sfn.update_state_machine_alias(stateMachineAliasArn=alias_arn, routingConfiguration=routing)


def roll_out(
    sfn: Any, alias_arn: str, settings: RolloutSettings, say: Say,
    sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
) -> bool:
    """True when the newest version took all new executions; False when it was rolled back (or could not be
    judged: then it keeps the weight it had, and the message says so)."""
    versions = versions_to_roll(sfn, alias_arn)
    machine_arn = alias_arn.rsplit(":", 1)[0]
    new, old = version_number(versions.newest), version_number(versions.previous)
    say(f"rolling out version {new} of {machine_arn} (previous: version {old}) in steps "
        f"{', '.join(f'{s}%' for s in settings.steps)}; rollback above {settings.max_failure_rate:.0%} "
        "technical failures")
    watch = HealthWatch(sfn, machine_arn, datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1))
    for weight in settings.steps:
        route(sfn, alias_arn, versions, weight)
        say(f"step {weight}%: version {new} takes {weight}% of new executions, version {old} {FULL_WEIGHT - weight}%")
        watched_from = clock()
        while True:
            health = watch.health_of(versions.newest)
            judged = health.ended >= settings.min_executions
            watched = clock() - watched_from
            # A failing version is judged at once; a healthy one after the watch, once enough executions ended.
            if judged and (health.failure_rate > settings.max_failure_rate or watched >= settings.watch_seconds):
                break
            if watched >= settings.longest_watch_seconds:
                break
            sleep(settings.poll_seconds)
        say(f"  watched {health.ended} ended executions of version {new}: {health.technical_failures} technical "
            f"failures ({health.failure_rate:.0%})")
        if judged and health.failure_rate > settings.max_failure_rate:
            route(sfn, alias_arn, Versions(versions.previous, versions.newest), FULL_WEIGHT)
            say(f"ROLLED BACK: version {old} takes 100% of new executions again ({health.failure_rate:.0%} > "
                f"{settings.max_failure_rate:.0%}); executions already on version {new} finish there")
            return False
        if not judged:
            say(f"STOPPED at {weight}%: fewer than {settings.min_executions} ended executions of version {new} to "
                "judge by; send traffic, raise --max-watch-seconds or lower --min-executions, then run rollout again")
            return False
    say(f"DONE: version {new} takes 100% of new executions")
    return True
