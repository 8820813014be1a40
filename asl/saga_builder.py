"""Generate a Standard saga definition from a `Saga` description.

Shape of the state every step sees: `{"order": <normalized order>, "results": {<Step>: <its result>}}`.
Catches write to `$.failure` / `$.compensationFailure` (ResultPath), so the order and every completed
step's result survive into the compensations (the refund needs the payment id).

Forward chain: Validate -> steps...; the last step's result is the execution output (no Pass state:
the happy path costs exactly one state transition per business step).

Rollback: one compensation chain in reverse step order. A step's *business* error did nothing, so it
enters the chain at the previous compensable step; any *other* error leaves the step's effect unknown,
so it enters at the step's own compensation (every compensation is idempotent and a no-op when there
is nothing to undo). The chain ends in a Choice that maps the original error to the saga's outcome.
A compensation that still fails after its retries is escalated to the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from asl.durations import worst_case_seconds
from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep
from asl.policies import TRANSIENT_ERRORS, SagaTiming
from asl.states import (
    State,
    catch,
    choice,
    explain_lambda_error,
    fail,
    lambda_task,
    sqs_send,
    without_stack_trace,
)

FAILURE_PATH = "$.failure"
COMPENSATION_FAILURE_PATH = "$.compensationFailure"
STEP_PAYLOAD = {"order.$": "$.order", "results.$": "$.results"}
ROLLBACK_OUTCOME = "RollbackOutcome"


def explain_state(outcome: str) -> str:
    return f"Explain{outcome}"


def escalate_state(compensation: Compensation) -> str:
    return f"Escalate{compensation.name}"


def cause_state(outcome_or_state: str) -> str:
    """Entry of the states that strip a stack trace from the cause before ``outcome_or_state``."""
    return f"{outcome_or_state}Cause"


def build_saga_definition(
    saga: Saga,
    function_arns: Mapping[str, str],
    dead_letter_queue_url: str,
    timing: SagaTiming | None = None,
) -> dict[str, Any]:
    timing = timing or SagaTiming()
    missing = [f for f in saga.functions if f not in function_arns]
    if missing:
        raise ValueError(f"no function ARN for {missing}")
    states: dict[str, State] = {}
    states.update(_validation(saga, function_arns, timing))
    states.update(_forward_chain(saga, function_arns, timing))
    states.update(_compensation_chain(saga, function_arns, dead_letter_queue_url, timing))
    states.update(_outcomes(saga))
    definition: dict[str, Any] = {"Comment": saga.comment, "StartAt": saga.validation.name, "States": states}
    if timing.execution_timeout_seconds is not None:
        worst_case = worst_case_seconds(definition)
        if timing.execution_timeout_seconds < worst_case:
            raise ValueError(
                f"an execution TimeoutSeconds of {timing.execution_timeout_seconds} s could end a saga that is still "
                f"retrying as its policies allow (up to {worst_case:.0f} s)"
            )
        definition["TimeoutSeconds"] = timing.execution_timeout_seconds
    return definition


def worst_case_execution_seconds(saga: Saga, timing: SagaTiming) -> float:
    """The longest a saga built with `timing` can run on its own (asl/durations.py); the ARNs do not matter."""
    unlimited = replace(timing, execution_timeout_seconds=None)
    placeholder_arns = {function: f"arn:aws:lambda:::function:{function}" for function in saga.functions}
    return worst_case_seconds(build_saga_definition(saga, placeholder_arns, "dead-letter-queue", unlimited))


def business_outcomes(saga: Saga) -> tuple[str, ...]:
    """The Fail errors that are business outcomes (declined, out of stock, invalid), not something broken."""
    outcomes = [saga.validation.invalid.outcome, *(e.outcome for s in saga.steps for e in s.business_errors)]
    return tuple(dict.fromkeys(outcomes))


def compensations_in_rollback_order(saga: Saga) -> list[Compensation]:
    return [s.compensation for s in reversed(saga.steps) if s.compensation]


def record_failure_state(validation: ValidationStep) -> str:
    return f"Record{validation.name}Failure"


def _validation(saga: Saga, arns: Mapping[str, str], timing: SagaTiming) -> dict[str, State]:
    """Validation's catches replace the state (ResultPath "$"): the raw input may not even be a JSON object,
    and a catch writing into it (`$.failure`) would then fail with a States.* runtime error instead."""
    validation = saga.validation
    first_step = saga.steps[0].name if saga.steps else None
    record_failure = record_failure_state(validation)
    return {
        validation.name: lambda_task(
            arns[validation.function],
            timeout_seconds=timing.task_timeout_seconds,
            # Replace the raw input with the state shape every later step reads.
            result_selector={"order.$": "$", "results": {}},
            next_state=first_step,
            retry=[timing.step_retry.retrier(TRANSIENT_ERRORS)],
            catch=[
                catch([validation.invalid.error], explain_state(validation.invalid.outcome), "$"),
                catch(["States.ALL"], record_failure, "$"),
            ],
        ),
        explain_state(validation.invalid.outcome): explain_lambda_error(
            FAILURE_PATH, next_state=validation.invalid.outcome, source_path="$"
        ),
        record_failure: {"Type": "Pass", "Parameters": {"failure.$": "$"}, "Next": cause_state(saga.failure_outcome)},
    }


def _forward_chain(saga: Saga, arns: Mapping[str, str], timing: SagaTiming) -> dict[str, State]:
    states: dict[str, State] = {}
    for index, step in enumerate(saga.steps):
        is_last = index == len(saga.steps) - 1
        result_path = f"$.results.{step.name}"
        states[step.name] = lambda_task(
            arns[step.function],
            timeout_seconds=timing.task_timeout_seconds,
            parameters=dict(STEP_PAYLOAD),
            result_path=result_path,
            output_path=result_path if is_last else None,
            next_state=None if is_last else saga.steps[index + 1].name,
            retry=_step_retry(step, timing),
            catch=_step_catches(saga, index),
        )
    return states


def _step_retry(step: SagaStep, timing: SagaTiming) -> list[dict[str, Any]]:
    if step.pivot:
        # Past the pivot there is no going back: retry on anything, as long as the budget allows.
        return [*_outlive_in_progress(timing), timing.pivot_retry.retrier(("States.ALL",))]
    return [timing.step_retry.retrier(TRANSIENT_ERRORS)]


def _outlive_in_progress(timing: SagaTiming) -> list[dict[str, Any]]:
    """The pivot and the compensations must not give up (and roll back, or escalate) while a killed attempt's
    idempotency record is still INPROGRESS: that attempt may have committed."""
    return [timing.in_progress_retry.retrier(("TransientError",))] if timing.in_progress_retry else []


def _step_catches(saga: Saga, index: int) -> list[dict[str, Any]]:
    step = saga.steps[index]
    undo_done_work = _latest_compensation(saga.steps[:index])
    undo_unknown_work = step.compensation or undo_done_work
    catches = [
        catch(
            [error.error],
            undo_done_work.name if undo_done_work else explain_state(error.outcome),
            FAILURE_PATH,
        )
        for error in step.business_errors
    ]
    unknown_next = undo_unknown_work.name if undo_unknown_work else cause_state(saga.failure_outcome)
    catches.append(catch(["States.ALL"], unknown_next, FAILURE_PATH))
    return catches


def _latest_compensation(steps: tuple[SagaStep, ...]) -> Compensation | None:
    for step in reversed(steps):
        if step.compensation:
            return step.compensation
    return None


def _compensation_chain(saga: Saga, arns: Mapping[str, str], queue_url: str, timing: SagaTiming) -> dict[str, State]:
    end_of_chain = ROLLBACK_OUTCOME if _rolled_back_business_errors(saga) else cause_state(saga.failure_outcome)
    return compensation_states(saga, arns, queue_url, timing, end_of_chain=end_of_chain)


def compensation_states(
    saga: Saga,
    arns: Mapping[str, str],
    queue_url: str,
    timing: SagaTiming,
    *,
    end_of_chain: str,
    dead_letter_fields: Mapping[str, Any] | None = None,
    committed_next: str | None = None,
) -> dict[str, State]:
    """The compensations in reverse step order, each escalated to the dead-letter queue when it still fails.

    The saga and the rollback workflow share these states, so both run each compensation with the same payload
    (hence the same idempotency key), the same retries and the same escalation. `dead_letter_fields` adds to every
    dead letter; `committed_next`: where to go when a compensation finds the saga past its pivot
    (`saga.committed_error`), which is then neither retried nor escalated.
    """
    chain = compensations_in_rollback_order(saga)
    committed = saga.committed_error if committed_next else None
    states: dict[str, State] = {}
    for position, compensation in enumerate(chain):
        following = chain[position + 1 :]
        retry = [*_outlive_in_progress(timing), timing.compensation_retry.retrier(("States.ALL",))]
        catches = [catch(["States.ALL"], cause_state(escalate_state(compensation)), COMPENSATION_FAILURE_PATH)]
        if committed and committed_next:
            retry.insert(0, {"ErrorEquals": [committed], "MaxAttempts": 0})
            catches.insert(0, catch([committed], committed_next, COMPENSATION_FAILURE_PATH))
        states[compensation.name] = lambda_task(
            arns[compensation.function],
            timeout_seconds=timing.task_timeout_seconds,
            parameters=dict(STEP_PAYLOAD),
            result_path=f"$.results.{compensation.name}",
            next_state=following[0].name if following else end_of_chain,
            retry=retry,
            catch=catches,
        )
        # Both failures go into the dead letter: neither may carry a handler's stack trace.
        original_cause = f"{escalate_state(compensation)}Original"
        states.update(
            without_stack_trace(COMPENSATION_FAILURE_PATH, cause_state(escalate_state(compensation)),
                                cause_state(original_cause))
        )
        states.update(without_stack_trace(FAILURE_PATH, cause_state(original_cause), escalate_state(compensation)))
        escalation = sqs_send(
            queue_url,
            {
                "executionArn.$": "$$.Execution.Id",
                "orderId.$": "$.order.order_id",
                "failedCompensation": compensation.name,
                # What a recovery run must still do, in order, once the cause is fixed.
                "pendingCompensations": [c.name for c in [compensation, *following]],
                "error.$": COMPENSATION_FAILURE_PATH,
                "originalFailure.$": FAILURE_PATH,
                **(dead_letter_fields or {}),
            },
            timeout_seconds=timing.task_timeout_seconds,
            next_state=saga.escalation_outcome,
            retry=timing.compensation_retry.retrier(("States.ALL",)),
        )
        states[escalate_state(compensation)] = escalation
    return states


def _rolled_back_business_errors(saga: Saga) -> list[BusinessError]:
    """Business errors raised after some work was done: they reach their outcome through the chain."""
    return [
        error
        for index, step in enumerate(saga.steps)
        if _latest_compensation(saga.steps[:index])
        for error in step.business_errors
    ]


def _business_failure(outcome: str) -> State:
    return fail(outcome, cause_path=f"{FAILURE_PATH}.Cause.errorMessage")


def _outcomes(saga: Saga) -> dict[str, State]:
    states: dict[str, State] = {}
    rolled_back = _rolled_back_business_errors(saga)
    if rolled_back:
        rules = [
            {"Variable": f"{FAILURE_PATH}.Error", "StringEquals": e.error, "Next": explain_state(e.outcome)}
            for e in rolled_back
        ]
        states[ROLLBACK_OUTCOME] = choice(rules, default=cause_state(saga.failure_outcome))
    states[saga.validation.invalid.outcome] = _business_failure(saga.validation.invalid.outcome)
    for error in (e for s in saga.steps for e in s.business_errors):
        states[explain_state(error.outcome)] = explain_lambda_error(FAILURE_PATH, next_state=error.outcome)
        states[error.outcome] = _business_failure(error.outcome)
    # Unexpected errors keep their original error and message for operators; the history has the full detail.
    states.update(without_stack_trace(FAILURE_PATH, cause_state(saga.failure_outcome), saga.failure_outcome))
    states[saga.failure_outcome] = fail(saga.failure_outcome, cause_path=f"States.JsonToString({FAILURE_PATH})")
    states[saga.escalation_outcome] = fail(
        saga.escalation_outcome,
        cause="A compensation failed after all its retries; the order was sent to the dead-letter queue.",
    )
    return states
