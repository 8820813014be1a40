"""asl/durations.py: the slowest run a definition's retry policies allow, which the saga's timeout must outlast."""

from __future__ import annotations

import pytest

from asl.checkout_saga import CHECKOUT_SAGA
from asl.durations import state_worst_case_seconds, worst_case_seconds
from asl.policies import RetryPolicy, SagaTiming
from asl.saga_builder import build_saga_definition, worst_case_execution_seconds

ARNS = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in CHECKOUT_SAGA.functions}
DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-dlq"


def task(timeout: int, *retriers: dict, next_state: str | None = None) -> dict:
    state = {"Type": "Task", "Resource": "arn", "TimeoutSeconds": timeout, "Retry": list(retriers)}
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def test_a_retry_policy_waits_at_most_its_capped_exponential_backoff():
    assert RetryPolicy(interval_seconds=1, max_attempts=3, backoff_rate=2.0).longest_waits_seconds() == 1 + 2 + 4
    capped = RetryPolicy(interval_seconds=1, max_attempts=5, backoff_rate=2.0, max_delay_seconds=3)
    assert capped.longest_waits_seconds() == 1 + 2 + 3 + 3 + 3
    assert RetryPolicy(interval_seconds=2, max_attempts=0).longest_waits_seconds() == 0


def test_each_retrier_adds_its_own_attempts_and_waits():
    lock = RetryPolicy(interval_seconds=2, max_attempts=2, backoff_rate=1.0, jitter=False).retrier(("TransientError",))
    anything = RetryPolicy(interval_seconds=1, max_attempts=3).retrier(("States.ALL",))

    # 1 + 2 + 3 attempts of 10 s, waits 2 + 2 and 1 + 2 + 4.
    assert state_worst_case_seconds(task(10, lock, anything)) == 60 + 4 + 7
    assert state_worst_case_seconds({"Type": "Pass", "Next": "x"}) == 0


def test_the_worst_case_is_the_longest_path_through_catches_and_choices():
    definition = {
        "StartAt": "A",
        "States": {
            "A": {**task(5, next_state="B"), "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Slow"}]},
            "B": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Fast"}],
                "Default": "Fast",
            },
            "Fast": task(1),
            "Slow": task(100),
        },
    }
    assert worst_case_seconds(definition) == 105


@pytest.mark.parametrize(
    "state, message",
    [
        ({"Type": "Task", "Resource": "arn", "End": True}, "without TimeoutSeconds"),
        ({"Type": "Wait", "Seconds": 5, "End": True}, "no worst case for states"),
    ],
)
def test_a_definition_without_a_bounded_run_is_refused(state, message):
    with pytest.raises(ValueError, match=message):
        worst_case_seconds({"StartAt": "S", "States": {"S": state}})


def test_a_loop_has_no_worst_case():
    with pytest.raises(ValueError, match="loop"):
        worst_case_seconds({"StartAt": "A", "States": {"A": task(1, next_state="A")}})


def test_the_saga_worst_case_runs_every_step_the_pivot_both_compensations_and_the_escalation():
    timing = SagaTiming(
        task_timeout_seconds=10,
        step_retry=RetryPolicy(interval_seconds=1, max_attempts=1),
        compensation_retry=RetryPolicy(interval_seconds=1, max_attempts=1),
        pivot_retry=RetryPolicy(interval_seconds=1, max_attempts=1),
    )
    # Validate, charge, reserve, confirm, release, refund, escalate: 7 tasks of 2 attempts of 10 s, 1 s between.
    assert worst_case_execution_seconds(CHECKOUT_SAGA, timing) == 7 * (2 * 10 + 1)


def test_the_execution_timeout_goes_into_the_definition_only_when_it_outlasts_the_worst_case():
    worst = worst_case_execution_seconds(CHECKOUT_SAGA, SagaTiming())
    definition = build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, SagaTiming(execution_timeout_seconds=int(worst) + 1))
    assert definition["TimeoutSeconds"] == int(worst) + 1
    assert "TimeoutSeconds" not in build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, SagaTiming())
    with pytest.raises(ValueError, match="still retrying"):
        build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, SagaTiming(execution_timeout_seconds=int(worst) - 1))
