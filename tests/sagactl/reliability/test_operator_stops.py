"""The chaos run's operator stops: a seeded plan of which executions are stopped, and when."""

from __future__ import annotations

import pytest

from sagactl.__main__ import build_parser
from sagactl.errors import UserFacingError
from sagactl.reliability import cli
from sagactl.reliability.operator_stops import STOP_DELAY_S, OperatorStops


def test_the_plan_is_seeded_and_stops_about_the_share_asked_for():
    first, again, other = OperatorStops(5, 0.3), OperatorStops(5, 0.3), OperatorStops(6, 0.3)
    for plan in (first, again, other):
        plan.plan(1000)
    assert first.delays == again.delays != other.delays
    assert 250 <= len(first.delays) <= 350
    assert all(STOP_DELAY_S[0] <= delay <= STOP_DELAY_S[1] for delay in first.delays.values())
    nobody = OperatorStops(5, 0.0)
    nobody.plan(100)
    assert nobody.delays == {}


class StepFunctions:
    """Records the stops; an execution is RUNNING until stopped."""

    def __init__(self) -> None:
        self.stopped: list[tuple[str, str]] = []

    def describe_execution(self, executionArn: str) -> dict[str, str]:
        return {"status": "ABORTED" if any(arn == executionArn for arn, _ in self.stopped) else "RUNNING"}

    def stop_execution(self, executionArn: str, error: str, cause: str) -> None:
        self.stopped.append((executionArn, error))


def test_only_planned_executions_are_stopped_with_the_operators_error():
    stops, sfn = OperatorStops(1, 0.5), StepFunctions()
    stops.plan(10)
    for index in range(10):
        stops.started(sfn, index, f"arn:{index}")
    stops.join()
    assert sorted(sfn.stopped) == sorted((f"arn:{index}", "OperatorStop") for index in stops.delays)
    assert stops.aborted == {f"arn:{index}" for index in stops.delays}


@pytest.mark.parametrize("share", ["-0.1", "1.5"])
def test_an_operator_stop_share_out_of_range_is_refused_in_one_line(share: str):
    args = build_parser().parse_args(["chaos", "--operator-stops", share])
    with pytest.raises(UserFacingError, match="--operator-stops must be a share between 0 and 1"):
        cli.chaos_command(args)
