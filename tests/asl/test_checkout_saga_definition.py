"""The generated checkout saga: every path, retry policy and escalation, checked structurally."""

from __future__ import annotations

import json

import pytest
from statelint.linter import Linter

from asl.checkout_saga import CHECKOUT_SAGA
from asl.policies import TRANSIENT_ERRORS, RetryPolicy, SagaTiming
from asl.saga_builder import build_saga_definition

ARNS = {f: f"arn:aws:lambda:eu-west-1:123456789012:function:{f}" for f in CHECKOUT_SAGA.functions}
DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-dlq"


@pytest.fixture(scope="module")
def definition() -> dict:
    return build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ)


def test_definition_passes_statelint(definition):
    assert Linter.validate(json.dumps(definition)) == []


def test_happy_path_is_one_state_per_business_step(definition, walk):
    assert walk(definition) == ["ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder"]
    confirm = definition["States"]["ConfirmOrder"]
    assert confirm["End"] is True
    assert confirm["OutputPath"] == confirm["ResultPath"] == "$.results.ConfirmOrder"


def test_invalid_order_fails_without_side_effects(definition, walk):
    path = walk(definition, {"ValidateOrder": "InvalidOrderException"})
    assert path == ["ValidateOrder", "ExplainOrderInvalid", "OrderInvalid"]
    assert definition["States"]["ExplainOrderInvalid"]["Parameters"]["Cause.$"] == "States.StringToJson($.Cause)"


def test_validation_that_breaks_down_fails_the_checkout_with_its_error(definition, walk):
    path = walk(definition, {"ValidateOrder": "Sandbox.Timedout"})
    assert path == ["ValidateOrder", "RecordValidateOrderFailure", "CheckoutFailedCause", "CheckoutFailed"]
    assert definition["States"]["RecordValidateOrderFailure"]["Parameters"] == {"failure.$": "$"}


def test_declined_payment_has_nothing_to_undo(definition, walk):
    path = walk(definition, {"ProcessPayment": "PaymentDeclinedException"})
    assert path == ["ValidateOrder", "ProcessPayment", "ExplainPaymentDeclined", "PaymentDeclined"]


def test_out_of_stock_refunds_the_payment(definition, walk):
    path = walk(definition, {"ReserveInventory": "InventoryDepletedException"})
    assert path == [
        "ValidateOrder",
        "ProcessPayment",
        "ReserveInventory",
        "RefundPayment",
        "RollbackOutcome",
        "ExplainOutOfStock",
        "OutOfStock",
    ]
    catcher = definition["States"]["ReserveInventory"]["Catch"][0]
    assert catcher == {
        "ErrorEquals": ["InventoryDepletedException"],
        "Next": "RefundPayment",
        "ResultPath": "$.failure",
    }


def test_unexpected_error_compensates_completed_steps_in_reverse_order(definition, walk):
    path = walk(definition, {"ConfirmOrder": "States.Timeout"})
    assert path[3:] == [
        "ConfirmOrder", "ReleaseInventory", "RefundPayment", "RollbackOutcome", "CheckoutFailedCause", "CheckoutFailed"
    ]


def test_step_with_unknown_outcome_is_compensated_itself(definition, walk):
    # A crash after the charge leaves its effect unknown: the idempotent refund runs anyway.
    path = walk(definition, {"ProcessPayment": "Sandbox.Timedout"})
    assert path[2:] == ["RefundPayment", "RollbackOutcome", "CheckoutFailedCause", "CheckoutFailed"]


def test_a_function_error_reaches_checkout_failed_without_its_stack_trace(definition, walk):
    path = walk(definition, {"ConfirmOrder": "KeyError"})
    assert path[-4:] == ["CheckoutFailedCause", "ParseCheckoutFailedCause", "TrimCheckoutFailedCause", "CheckoutFailed"]
    states = definition["States"]
    assert states["ParseCheckoutFailedCause"]["Parameters"]["Cause.$"] == "States.StringToJson($.failure.Cause)"
    assert states["TrimCheckoutFailedCause"]["Parameters"] == {
        "errorType.$": "$.failure.Cause.errorType", "errorMessage.$": "$.failure.Cause.errorMessage"
    }
    assert states["TrimCheckoutFailedCause"]["ResultPath"] == "$.failure.Cause"
    assert states["CheckoutFailed"]["CausePath"] == "States.JsonToString($.failure)"


@pytest.mark.parametrize("failed", ["ReleaseInventory", "RefundPayment"])
def test_failed_compensation_escalates_to_the_dead_letter_queue(definition, failed, walk):
    path = walk(definition, {"ConfirmOrder": "States.Timeout", failed: "States.TaskFailed"})
    assert path[-5:] == [failed, f"Escalate{failed}Cause", f"Escalate{failed}OriginalCause", f"Escalate{failed}",
                         "CompensationFailed"]
    escalation = definition["States"][f"Escalate{failed}"]
    assert escalation["Resource"] == "arn:aws:states:::sqs:sendMessage"
    assert escalation["Parameters"]["QueueUrl"] == DLQ
    message = escalation["Parameters"]["MessageBody"]
    assert message["failedCompensation"] == failed
    assert message["executionArn.$"] == "$$.Execution.Id"
    assert message["orderId.$"] == "$.order.order_id"
    assert message["error.$"] == "$.compensationFailure"
    expected_pending = ["ReleaseInventory", "RefundPayment"][["ReleaseInventory", "RefundPayment"].index(failed) :]
    assert message["pendingCompensations"] == expected_pending


@pytest.mark.parametrize("failed", ["ReleaseInventory", "RefundPayment"])
def test_a_dead_letter_carries_no_stack_trace_of_either_failure(definition, failed, walk):
    path = walk(definition, {"ConfirmOrder": "KeyError", failed: "RefundRejected"})
    strip = [f"Escalate{failed}Cause", f"ParseEscalate{failed}Cause", f"TrimEscalate{failed}Cause",
             f"Escalate{failed}OriginalCause", f"ParseEscalate{failed}OriginalCause",
             f"TrimEscalate{failed}OriginalCause"]
    assert path[-9:] == [failed, *strip, f"Escalate{failed}", "CompensationFailed"]
    states = definition["States"]
    assert states[f"TrimEscalate{failed}Cause"]["ResultPath"] == "$.compensationFailure.Cause"
    assert states[f"TrimEscalate{failed}OriginalCause"]["ResultPath"] == "$.failure.Cause"


def test_catches_keep_the_order_and_step_results(definition):
    for name, state in definition["States"].items():
        for catcher in state.get("Catch", []):
            # Validation replaces the state: the raw input may not be an object, and nothing is done yet.
            expected = ("$",) if name == "ValidateOrder" else ("$.failure", "$.compensationFailure")
            assert catcher["ResultPath"] in expected, name
        if state["Type"] == "Task" and name not in ("ValidateOrder",) and "Escalate" not in name:
            assert state["Parameters"] == {"order.$": "$.order", "results.$": "$.results"}
            assert state["ResultPath"] == f"$.results.{name}"


def test_every_task_has_a_timeout_and_retries_transient_errors(definition):
    tasks = {n: s for n, s in definition["States"].items() if s["Type"] == "Task"}
    assert len(tasks) == 8
    for name, task in tasks.items():
        assert task["TimeoutSeconds"] >= 1, name
        for retrier in task["Retry"]:
            assert retrier["JitterStrategy"] == "FULL"  # the default timing has no in-progress retrier
            assert retrier["BackoffRate"] >= 1.0
    for name in ("ValidateOrder", "ProcessPayment", "ReserveInventory"):
        assert definition["States"][name]["Retry"][0]["ErrorEquals"] == list(TRANSIENT_ERRORS)


def test_compensations_retry_harder_with_capped_backoff(definition):
    step = definition["States"]["ProcessPayment"]["Retry"][0]
    for name in ("RefundPayment", "ReleaseInventory"):
        retrier = definition["States"][name]["Retry"][0]
        assert retrier["ErrorEquals"] == ["States.ALL"]
        assert retrier["MaxAttempts"] > step["MaxAttempts"]
        assert "MaxDelaySeconds" in retrier


def test_the_pivot_retries_any_error_and_is_never_compensated(definition):
    retrier = definition["States"]["ConfirmOrder"]["Retry"]
    assert [r["ErrorEquals"] for r in retrier] == [["States.ALL"]]
    assert "UndoConfirmOrder" not in definition["States"]
    compensations = [s.compensation.name for s in CHECKOUT_SAGA.steps if s.compensation]
    assert compensations == ["RefundPayment", "ReleaseInventory"]


def test_business_failures_show_the_error_message_not_the_stack_trace(definition):
    for outcome in ("OrderInvalid", "PaymentDeclined", "OutOfStock"):
        assert definition["States"][outcome] == {
            "Type": "Fail",
            "Error": outcome,
            "CausePath": "$.failure.Cause.errorMessage",
        }
        explain = definition["States"][f"Explain{outcome}"]
        source = "$" if outcome == "OrderInvalid" else "$.failure"
        assert explain["Parameters"]["Cause.$"] == f"States.StringToJson({source}.Cause)"
        assert explain["ResultPath"] == "$.failure"


def test_timing_parameters_flow_into_the_definition():
    timing = SagaTiming(
        task_timeout_seconds=7,
        step_retry=RetryPolicy(interval_seconds=2, max_attempts=4),
        compensation_retry=RetryPolicy(interval_seconds=3, max_attempts=9, max_delay_seconds=11),
        pivot_retry=RetryPolicy(interval_seconds=5, max_attempts=12, max_delay_seconds=13),
    )
    states = build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, timing)["States"]
    assert states["ProcessPayment"]["TimeoutSeconds"] == 7
    assert states["ProcessPayment"]["Retry"][0]["IntervalSeconds"] == 2
    assert states["RefundPayment"]["Retry"][0]["MaxDelaySeconds"] == 11
    assert states["ConfirmOrder"]["Retry"][0]["MaxAttempts"] == 12


def test_missing_function_arn_is_reported_by_name():
    arns = dict(ARNS)
    del arns["refund_payment"]
    with pytest.raises(ValueError, match="refund_payment"):
        build_saga_definition(CHECKOUT_SAGA, arns, DLQ)


def test_pivot_and_compensations_outlive_a_killed_attempts_lock():
    lock = RetryPolicy(interval_seconds=2, max_attempts=6, backoff_rate=1.0, jitter=False)
    states = build_saga_definition(CHECKOUT_SAGA, ARNS, DLQ, SagaTiming(in_progress_retry=lock))["States"]
    for name in ("ConfirmOrder", "RefundPayment", "ReleaseInventory"):
        first, then = states[name]["Retry"]
        assert first == {
            "ErrorEquals": ["TransientError"],
            "IntervalSeconds": 2,
            "MaxAttempts": 6,
            "BackoffRate": 1.0,
            "JitterStrategy": "NONE",
        }, name
        assert then["ErrorEquals"] == ["States.ALL"]
    assert len(states["ProcessPayment"]["Retry"]) == 1  # forward steps roll back instead of waiting
    assert Linter.validate(json.dumps({"StartAt": "ValidateOrder", "States": states})) == []
