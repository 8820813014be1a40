"""The cost model's arithmetic: transitions from histories, Express and Lambda rounding, bills, averages."""

from __future__ import annotations

import math

import pytest

from sagactl.cost.model import (
    MILLION,
    Behaviour,
    average,
    bill,
    blended,
    express_billing,
    gb_seconds,
    state_transitions,
)
from sagactl.cost.prices import Prices

PRICES = Prices(
    region="test-1", compiled="2026-01-01", sources={}, notes=(),
    standard_per_transition=0.000025, express_per_request=0.000001, express_per_gb_second=0.00001667,
    lambda_per_request=0.0000002, lambda_per_gb_second={"x86_64": 0.0000166667, "arm64": 0.0000133334},
    dynamodb_per_write_unit=0.000000625, dynamodb_per_read_unit=0.000000125, kms_per_request=0.000003,
)


def _task_entry(name: str, attempts: int = 1) -> list[dict[str, str]]:
    events = [{"type": "TaskStateEntered", "name": name}]
    for attempt in range(attempts):
        events.append({"type": "LambdaFunctionScheduled"})
        events.append({"type": "LambdaFunctionStarted"})
        events.append({"type": "LambdaFunctionSucceeded" if attempt == attempts - 1 else "LambdaFunctionFailed"})
    events.append({"type": "TaskStateExited"})
    return events


def test_a_happy_checkout_history_is_one_transition_per_state_entered() -> None:
    history = [{"type": "ExecutionStarted"}]
    for step in ("ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder"):
        history += _task_entry(step)
    history.append({"type": "ExecutionSucceeded"})
    assert state_transitions(history) == 4


def test_every_retry_is_a_transition() -> None:
    history = [*_task_entry("ProcessPayment", attempts=3), *_task_entry("ConfirmOrder", attempts=2)]
    assert state_transitions(history) == 2 + 2 + 1


def test_pass_choice_and_fail_states_count_like_any_other() -> None:
    history = [
        *_task_entry("ReserveInventory"),
        {"type": "TaskStateEntered"}, {"type": "TaskScheduled"}, {"type": "TaskSucceeded"},
        {"type": "ChoiceStateEntered"}, {"type": "ChoiceStateExited"},
        {"type": "PassStateEntered"}, {"type": "PassStateExited"},
        {"type": "FailStateEntered"}, {"type": "ExecutionFailed"},
    ]
    assert state_transitions(history) == 5


@pytest.mark.parametrize(
    ("duration_ms", "memory_mb", "billed"),
    [(0.4, 10, (100, 64)), (100, 64, (100, 64)), (100.1, 64, (200, 64)), (250, 65, (300, 128)), (0, 0, (100, 64))],
)
def test_express_rounds_up_to_100_ms_and_64_mb_chunks(
    duration_ms: float, memory_mb: float, billed: tuple[int, int]
) -> None:
    assert express_billing(duration_ms, memory_mb) == billed


def test_gb_seconds() -> None:
    assert gb_seconds(1000, 1024) == 1.0
    assert gb_seconds(13, 512) == pytest.approx(0.0065)


def test_a_bill_adds_up_each_service_for_a_million_executions() -> None:
    behaviour = Behaviour(
        name="saga/happy", measured=1, transitions=4, lambda_invocations=4, lambda_gb_seconds=0.05,
        lambda_architecture="arm64", dynamodb_write_units=15, dynamodb_read_units=2, kms_requests=1,
    )
    result = bill(behaviour, PRICES, MILLION)
    assert result.step_functions == pytest.approx(100.0)
    assert result.lambda_requests == pytest.approx(0.8)
    assert result.lambda_duration == pytest.approx(0.05 * 0.0000133334 * MILLION)
    assert result.dynamodb == pytest.approx(15 * 0.625 + 2 * 0.125)
    assert result.kms == pytest.approx(3.0)
    assert result.total == pytest.approx(
        result.step_functions + result.lambda_requests + result.lambda_duration + result.dynamodb + result.kms
    )


def test_express_bills_requests_and_gb_seconds_not_transitions() -> None:
    billed_ms, billed_mb = express_billing(42)
    behaviour = Behaviour(name="v", measured=1, express_requests=1, express_gb_seconds=gb_seconds(billed_ms, billed_mb))
    assert bill(behaviour, PRICES).step_functions == pytest.approx(1.0 + 0.1 * (64 / 1024) * 0.00001667 * MILLION)


def test_the_architecture_sets_the_lambda_price() -> None:
    arm = Behaviour(name="a", measured=1, lambda_gb_seconds=1.0, lambda_architecture="arm64")
    x86 = Behaviour(name="x", measured=1, lambda_gb_seconds=1.0, lambda_architecture="x86_64")
    assert bill(arm, PRICES).lambda_duration < bill(x86, PRICES).lambda_duration
    with pytest.raises(ValueError, match="architecture"):
        bill(Behaviour(name="z", measured=1, lambda_architecture="sparc"), PRICES)


def test_average_is_per_execution() -> None:
    samples = [Behaviour(name="", measured=1, transitions=t, dynamodb_write_units=w) for t, w in ((4, 15), (6, 17))]
    mean = average("saga/happy", samples)
    assert (mean.name, mean.measured, mean.transitions, mean.dynamodb_write_units) == ("saga/happy", 2, 5, 16)
    with pytest.raises(ValueError):
        average("none", [])


def test_a_blend_weights_paths_by_their_share() -> None:
    paths = {
        "happy": Behaviour(name="happy", measured=10, transitions=4),
        "declined": Behaviour(name="declined", measured=3, transitions=4),
        "invalid": Behaviour(name="invalid", measured=3, transitions=3),
    }
    mix = blended("mix", {"happy": 9, "invalid": 1}, paths)
    assert math.isclose(mix.transitions, 3.9)
    with pytest.raises(ValueError, match="no measured"):
        blended("mix", {"refund": 1}, paths)
