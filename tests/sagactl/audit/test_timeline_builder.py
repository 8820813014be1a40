"""The timeline parser on synthetic histories in AWS's shapes: Lambda and service-integration tasks,
retries, catches, timeouts, uncaught errors, running executions, and the Express log-record shape."""

from __future__ import annotations

import random

from sagactl.audit import VisitResult, build_timeline
from sagactl.audit.events import event_from_history, event_from_log_record


def timeline_of(writer):
    return build_timeline(event_from_history(event) for event in writer.events)


def test_out_of_stock_states_in_order_with_catch_and_outcome(history):
    timeline = timeline_of(history().out_of_stock())
    assert timeline.path == (
        "ValidateOrder",
        "ProcessPayment",
        "ReserveInventory",
        "RefundPayment",
        "RollbackOutcome",
        "ExplainOutOfStock",
        "OutOfStock",
    )
    reserve = timeline.visits[2]
    assert reserve.result is VisitResult.CAUGHT
    assert reserve.error is not None and reserve.error.error == "InventoryDepletedException"
    assert reserve.next_state == "RefundPayment"
    assert timeline.first_catch is reserve
    assert [v.result for v in timeline.visits[3:6]] == [VisitResult.SUCCEEDED] * 3
    assert timeline.visits[-1].result is VisitResult.FAILED
    assert timeline.terminal is timeline.visits[-1]
    assert timeline.outcome.status == "FAILED"
    assert timeline.outcome.error is not None and timeline.outcome.error.error == "OutOfStock"


def test_a_retry_is_a_second_attempt_in_the_same_state_with_each_failure_kept(history):
    reserve = timeline_of(history().out_of_stock()).visits[2]
    assert reserve.retries == 1
    assert [a.number for a in reserve.attempts] == [1, 2]
    errors = [a.error.error for a in reserve.failed_attempts if a.error]
    assert errors == ["TransientError", "InventoryDepletedException"]
    first, second = reserve.attempts
    # An attempt runs from its *Scheduled to its *Failed event: 5 ms to start plus 100 ms of work.
    assert first.duration_s == 0.105
    assert first.ended is not None and (second.started - first.ended).total_seconds() >= 1.0  # the retry waited
    assert second.error is not None and "KB-MECH-01 is out of stock" in (second.error.cause or "")


def test_service_integration_tasks_count_attempts_like_lambda_tasks(history):
    writer = history().started()
    writer.enter("EscalateRefundPayment").task_fails("SQS.SdkClientException").task_fails("SQS.SdkClientException")
    writer.task_ok().exit("EscalateRefundPayment")
    writer.enter("CompensationFailed", "Fail").failed("CompensationFailed", "sent to the DLQ")
    escalate = timeline_of(writer).visits[0]
    assert escalate.result is VisitResult.SUCCEEDED
    assert escalate.retries == 2
    assert [a.succeeded for a in escalate.attempts] == [False, False, True]


def test_timeout_is_reported_as_states_timeout(history):
    writer = history().started()
    writer.enter("ConfirmOrder").lambda_times_out().exit("ConfirmOrder")
    writer.enter("ReleaseInventory").lambda_ok().exit("ReleaseInventory")
    writer.enter("CheckoutFailed", "Fail").failed("CheckoutFailed")
    confirm = timeline_of(writer).visits[0]
    assert confirm.result is VisitResult.CAUGHT
    assert confirm.error is not None and confirm.error.error == "States.Timeout"


def test_an_uncaught_error_fails_the_state_and_the_execution(history):
    writer = history().started()
    writer.enter("ValidateOrder").lambda_fails("Boom", "kaput")
    writer.failed("Boom", "kaput")
    timeline = timeline_of(writer)
    (validate,) = timeline.visits
    assert validate.result is VisitResult.FAILED and validate.next_state is None
    assert validate.error is not None and validate.error.error == "Boom"
    assert timeline.first_catch is None
    assert timeline.terminal is validate


def test_a_running_execution_has_no_terminal_state_and_its_current_state_runs(history):
    writer = history().started()
    writer.enter("ValidateOrder").lambda_ok().exit("ValidateOrder")
    writer.enter("ProcessPayment").lambda_fails("TransientError")  # waiting for its retry
    timeline = timeline_of(writer)
    assert timeline.outcome.status == "RUNNING"
    assert timeline.terminal is None
    assert [v.result for v in timeline.visits] == [VisitResult.SUCCEEDED, VisitResult.RUNNING]


def test_a_failure_before_scheduling_is_still_an_attempt(history):
    writer = history().started()
    writer.enter("ValidateOrder")
    writer.event("LambdaFunctionScheduleFailed", {"error": "Lambda.ResourceNotFoundException", "cause": "no such fn"})
    writer.enter("CheckoutFailed", "Fail").failed("CheckoutFailed")
    validate = timeline_of(writer).visits[0]
    assert len(validate.attempts) == 1
    assert validate.result is VisitResult.CAUGHT
    assert validate.error is not None and validate.error.error == "Lambda.ResourceNotFoundException"


def test_visit_runs_from_entered_to_exited_and_a_fail_state_until_the_execution_stops(history):
    writer = history().out_of_stock()
    at = {(e["type"], _state_name(e)): e["timestamp"] for e in writer.events}
    timeline = timeline_of(writer)
    validate = timeline.visits[0]
    assert validate.entered == at[("TaskStateEntered", "ValidateOrder")]
    assert validate.left == at[("TaskStateExited", "ValidateOrder")]
    fail_state = timeline.visits[-1]
    assert fail_state.left == timeline.outcome.stopped == at[("ExecutionFailed", None)]


def _state_name(event: dict) -> str | None:
    details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
    return details.get("name")


def test_events_are_ordered_by_id_not_by_arrival(history):
    events = [event_from_history(event) for event in history().out_of_stock().events]
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    assert build_timeline(shuffled) == build_timeline(events)


def test_express_log_records_give_the_same_timeline_as_the_history_api(history):
    writer = history().out_of_stock()
    arn = "arn:aws:states:eu-west-1:123456789012:express:validation:v-1:0b7d8f1e-0000-4000-8000-000000000001"
    from_logs = build_timeline(event_from_log_record(record) for record in writer.log_records(arn))
    from_api = timeline_of(writer)
    assert from_logs.path == from_api.path
    assert [(v.result, v.retries, v.error) for v in from_logs.visits] == [
        (v.result, v.retries, v.error) for v in from_api.visits
    ]
    assert from_logs.outcome.status == from_api.outcome.status
