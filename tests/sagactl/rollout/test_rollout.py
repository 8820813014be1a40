"""sagactl rollout without AWS: the steps it takes, how it judges a version, when it rolls back, its one-line errors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sagactl.__main__ import main
from sagactl.rollout.health import business_outcomes, is_technical_failure
from sagactl.rollout.steps import RolloutSettings, roll_out

MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:checkout-saga-checkout-prod"
ALIAS = f"{MACHINE}:live"


class FakeStepFunctions:
    """Versions 1-2 of the machine, the alias on 1, and ended executions of version 2 with these errors."""

    def __init__(self, errors_on_new_version: list[str | None]) -> None:
        self.routes: list[list[dict[str, Any]]] = [[{"stateMachineVersionArn": f"{MACHINE}:1", "weight": 100}]]
        self.executions = {
            f"{MACHINE}:e{index}": {"status": "FAILED" if error else "SUCCEEDED", "error": error,
                                    "stateMachineVersionArn": f"{MACHINE}:2"}
            for index, error in enumerate(errors_on_new_version)
        }

    def list_state_machine_versions(self, stateMachineArn: str) -> dict[str, Any]:
        return {"stateMachineVersions": [{"stateMachineVersionArn": f"{stateMachineArn}:{n}"} for n in (2, 1)]}

    def describe_state_machine_alias(self, stateMachineAliasArn: str) -> dict[str, Any]:
        return {"routingConfiguration": self.routes[-1]}

    def update_state_machine_alias(self, stateMachineAliasArn: str, routingConfiguration: list[Any]) -> None:
        self.routes.append(routingConfiguration)

    def get_paginator(self, operation: str) -> Any:
        started = datetime.datetime.now(datetime.UTC)  # after the rollout began, as the watch asks
        executions = [{"executionArn": arn, "startDate": started, "status": e["status"]}
                      for arn, e in self.executions.items()]
        return type("Paginator", (), {"paginate": lambda _self, **kwargs: [{"executions": executions}]})()

    def describe_execution(self, executionArn: str) -> dict[str, Any]:
        return self.executions[executionArn]


FAST = RolloutSettings(steps=(10, 50, 100), watch_seconds=0, min_executions=2, max_failure_rate=0.2)


def weights(routes: list[dict[str, Any]]) -> dict[str, int]:
    return {route["stateMachineVersionArn"].rsplit(":", 1)[1]: route["weight"] for route in routes}


def test_a_healthy_version_goes_to_100_percent_in_the_given_steps() -> None:
    sfn, said = FakeStepFunctions([None, None, "OutOfStock", "PaymentDeclined"]), []  # business outcomes only

    assert roll_out(sfn, ALIAS, FAST, said.append) is True

    assert [weights(r) for r in sfn.routes[1:]] == [{"2": 10, "1": 90}, {"2": 50, "1": 50}, {"2": 100}]
    assert said[-1] == "DONE: version 2 takes 100% of new executions"


def test_a_version_failing_above_the_threshold_is_rolled_back_at_the_first_step() -> None:
    sfn, said = FakeStepFunctions([None, "CheckoutFailed", "States.Timeout", None]), []

    assert roll_out(sfn, ALIAS, FAST, said.append) is False

    assert [weights(r) for r in sfn.routes[1:]] == [{"2": 10, "1": 90}, {"1": 100}]
    assert "2 technical failures (50%)" in said[-2]
    assert said[-1].startswith("ROLLED BACK: version 1 takes 100% of new executions again (50% > 20%)")


def test_too_few_executions_stop_the_rollout_where_it_is() -> None:
    sfn, said = FakeStepFunctions([None]), []

    assert roll_out(sfn, ALIAS, FAST, said.append) is False

    assert [weights(r) for r in sfn.routes[1:]] == [{"2": 10, "1": 90}]
    assert said[-1].startswith("STOPPED at 10%")


class TrafficArrivingSlowly(FakeStepFunctions):
    """One more execution of version 2 ends at each look, up to `total`, as little traffic would have it."""

    def __init__(self, total: int) -> None:
        super().__init__([None] * total)
        self.all, self.shown = dict(self.executions), 0

    def get_paginator(self, operation: str) -> Any:
        self.shown = min(self.shown + 1, len(self.all))
        self.executions = dict(list(self.all.items())[: self.shown])
        return super().get_paginator(operation)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_step_waits_past_its_watch_until_enough_executions_ended() -> None:
    sfn, said, clock = TrafficArrivingSlowly(total=3), [], FakeClock()
    settings = RolloutSettings(steps=(100,), watch_seconds=1, min_executions=3, max_watch_seconds=60)

    assert roll_out(sfn, ALIAS, settings, said.append, sleep=clock.sleep, clock=clock) is True

    assert "watched 3 ended executions" in said[-2] and clock.now == 2  # judged as the third ended, not at 60 s


def test_a_step_stops_when_the_longest_watch_ends_without_enough_executions() -> None:
    sfn, said, clock = TrafficArrivingSlowly(total=2), [], FakeClock()
    settings = RolloutSettings(steps=(10, 100), watch_seconds=1, min_executions=3, max_watch_seconds=5)

    assert roll_out(sfn, ALIAS, settings, said.append, sleep=clock.sleep, clock=clock) is False

    assert clock.now == 5 and said[-1].startswith("STOPPED at 10%")
    assert [weights(r) for r in sfn.routes[1:]] == [{"2": 10, "1": 90}]


def test_a_failing_version_is_rolled_back_before_its_watch_ends() -> None:
    sfn, said, clock = FakeStepFunctions(["CheckoutFailed", "CheckoutFailed"]), [], FakeClock()
    settings = RolloutSettings(steps=(10, 100), watch_seconds=60, min_executions=2, max_failure_rate=0.2)

    assert roll_out(sfn, ALIAS, settings, said.append, sleep=clock.sleep, clock=clock) is False

    assert clock.now == 0 and said[-1].startswith("ROLLED BACK")


def test_each_ended_execution_is_described_once_however_long_the_watch() -> None:
    sfn, said, clock = TrafficArrivingSlowly(total=4), [], FakeClock()
    described: list[str] = []
    describe = sfn.describe_execution
    sfn.describe_execution = lambda executionArn: described.append(executionArn) or describe(executionArn)
    settings = RolloutSettings(steps=(10, 100), watch_seconds=5, min_executions=1)

    assert roll_out(sfn, ALIAS, settings, said.append, sleep=clock.sleep, clock=clock) is True

    assert sorted(described) == sorted(sfn.all)  # ten looks or more, four descriptions


def test_business_outcomes_are_not_technical_failures() -> None:
    business = business_outcomes()
    assert business == {"OrderInvalid", "PaymentDeclined", "OutOfStock"}
    assert not is_technical_failure({"status": "FAILED", "error": "OutOfStock"}, business)
    assert is_technical_failure({"status": "FAILED", "error": "CompensationFailed"}, business)
    assert is_technical_failure({"status": "TIMED_OUT"}, business)
    assert not is_technical_failure({"status": "SUCCEEDED"}, business)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--steps", "10,x"], "--steps must be whole percentages"),
        (["--steps", "50,10,100"], "steps must rise from above 0 to 100"),
        (["--steps", "10,50"], "steps must rise from above 0 to 100"),
        (["--max-failure-rate", "1.5"], "the failure threshold must be between 0 and 1"),
        (["--watch-seconds", "60", "--max-watch-seconds", "30"], "the longest watch (30 s) must not be shorter"),
    ],
)
def test_bad_arguments_are_one_line_errors(arguments: list[str], message: str, capsys) -> None:
    assert main(["rollout", "--endpoint-url", "http://127.0.0.1:9", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"sagactl: {message}") and error.count("\n") == 1
