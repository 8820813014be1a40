"""Generate a Standard saga definition from a `Saga` description, in either query language (asl/query_language.py).

Shape of the data every step sees: `{"order": <normalized order>, "results": {<Step>: <its result>}}`, the state
data in JSONPath, the `$order` and `$results` variables in JSONata. Catches keep the failure as `failure` /
`compensationFailure` (ResultPath, or a Catch's Assign), so the order and every completed step's result survive
into the compensations (the refund needs the payment id).

Forward chain: Validate -> steps...; the last step's result is the execution output (no Pass state:
the happy path costs exactly one state transition per business step).

Rollback: one compensation chain in reverse step order. A step's *business* error did nothing, so it
enters the chain at the previous compensable step; any *other* error leaves the step's effect unknown,
so it enters at the step's own compensation (every compensation is idempotent and a no-op when there
is nothing to undo). The chain ends in a Choice that maps the original error to the saga's outcome.
A compensation that still fails after its retries is escalated to the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from asl.durations import worst_case_seconds
from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep
from asl.policies import TRANSIENT_ERRORS, SagaTiming
from asl.query_language import COMPENSATION_FAILURE, FAILURE, Dialect, Keeps, QueryLanguage, Reads, dialect
from asl.states import State, choice, fail

ROLLBACK_OUTCOME = "RollbackOutcome"
ESCALATION_CAUSE = "A compensation failed after all its retries; the order was sent to the dead-letter queue."


def escalate_state(compensation: Compensation) -> str:
    return f"Escalate{compensation.name}"


def build_saga_definition(
    saga: Saga,
    function_arns: Mapping[str, str],
    dead_letter_queue_url: str,
    timing: SagaTiming | None = None,
    query_language: QueryLanguage = "JSONPath",
) -> dict[str, Any]:
    timing = timing or SagaTiming()
    language = dialect(query_language)
    missing = [f for f in saga.functions if f not in function_arns]
    if missing:
        raise ValueError(f"no function ARN for {missing}")
    states: dict[str, State] = {}
    states.update(_validation(saga, function_arns, timing, language))
    states.update(_forward_chain(saga, function_arns, timing, language))
    states.update(_compensation_chain(saga, function_arns, dead_letter_queue_url, timing, language))
    states.update(_outcomes(saga, language))
    definition: dict[str, Any] = {
        **language.header(), "Comment": saga.comment, "StartAt": saga.validation.name, "States": states
    }
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


def _validation(saga: Saga, arns: Mapping[str, str], timing: SagaTiming, language: Dialect) -> dict[str, State]:
    """The validation reads the raw input, which may not even be a JSON object (see `Dialect.validation_catches`)."""
    validation = saga.validation
    first_step = saga.steps[0].name if saga.steps else None
    catches, explain, record = language.validation_catches(
        validation.invalid.error, validation.invalid.outcome, saga.failure_outcome, record_failure_state(validation)
    )
    task = language.lambda_task(
        validation.name,
        arns[validation.function],
        reads=Reads.INPUT,
        # Replace the raw input with the data every later step reads.
        keeps=Keeps.NEW_STATE,
        timeout_seconds=timing.task_timeout_seconds,
        next_state=first_step,
        retry=[timing.step_retry.retrier(TRANSIENT_ERRORS)],
        catch=catches,
    )
    return {validation.name: task, **explain, **record}


def _forward_chain(saga: Saga, arns: Mapping[str, str], timing: SagaTiming, language: Dialect) -> dict[str, State]:
    states: dict[str, State] = {}
    for index, step in enumerate(saga.steps):
        is_last = index == len(saga.steps) - 1
        states[step.name] = language.lambda_task(
            step.name,
            arns[step.function],
            reads=Reads.STEP,
            keeps=Keeps.RESULT,
            timeout_seconds=timing.task_timeout_seconds,
            # The last step's result is the execution's output.
            next_state=None if is_last else saga.steps[index + 1].name,
            retry=_step_retry(step, timing),
            catch=_step_catches(saga, index, language),
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


def _step_catches(saga: Saga, index: int, language: Dialect) -> list[dict[str, Any]]:
    step = saga.steps[index]
    undo_done_work = _latest_compensation(saga.steps[:index])
    undo_unknown_work = step.compensation or undo_done_work
    catches = [
        language.catch(
            [error.error],
            undo_done_work.name if undo_done_work else language.business_entry(error.outcome),
            FAILURE,
        )
        for error in step.business_errors
    ]
    unknown_next = undo_unknown_work.name if undo_unknown_work else language.unexpected_entry(saga.failure_outcome)
    catches.append(language.catch(["States.ALL"], unknown_next, FAILURE))
    return catches


def _latest_compensation(steps: tuple[SagaStep, ...]) -> Compensation | None:
    for step in reversed(steps):
        if step.compensation:
            return step.compensation
    return None


def _compensation_chain(
    saga: Saga, arns: Mapping[str, str], queue_url: str, timing: SagaTiming, language: Dialect
) -> dict[str, State]:
    end_of_chain = (
        ROLLBACK_OUTCOME if _rolled_back_business_errors(saga) else language.unexpected_entry(saga.failure_outcome)
    )
    return compensation_states(saga, arns, queue_url, timing, language, end_of_chain=end_of_chain)


def compensation_states(
    saga: Saga,
    arns: Mapping[str, str],
    queue_url: str,
    timing: SagaTiming,
    language: Dialect,
    *,
    end_of_chain: str,
    dead_letter_fields: Sequence[str] = (),
    committed_next: str | None = None,
) -> dict[str, State]:
    """The compensations in reverse step order, each escalated to the dead-letter queue when it still fails.

    The saga and the rollback workflow share these states, so both run each compensation with the same payload
    (hence the same idempotency key), the same retries and the same escalation. `dead_letter_fields`: data the
    workflow carries (its input's keys) that every dead letter adds; `committed_next`: where to go when a
    compensation finds the saga past its pivot (`saga.committed_error`), which is then neither retried nor escalated.
    """
    chain = compensations_in_rollback_order(saga)
    committed = saga.committed_error if committed_next else None
    states: dict[str, State] = {}
    for position, compensation in enumerate(chain):
        following = chain[position + 1 :]
        escalation = escalate_state(compensation)
        retry = [*_outlive_in_progress(timing), timing.compensation_retry.retrier(("States.ALL",))]
        catches = [language.catch(["States.ALL"], language.escalation_entry(escalation), COMPENSATION_FAILURE)]
        if committed and committed_next:
            retry.insert(0, {"ErrorEquals": [committed], "MaxAttempts": 0})
            catches.insert(0, language.catch([committed], committed_next, COMPENSATION_FAILURE))
        states[compensation.name] = language.lambda_task(
            compensation.name,
            arns[compensation.function],
            reads=Reads.STEP,
            keeps=Keeps.RESULT,
            timeout_seconds=timing.task_timeout_seconds,
            next_state=following[0].name if following else end_of_chain,
            retry=retry,
            catch=catches,
        )
        fixed_fields = {
            "failedCompensation": compensation.name,
            # What a recovery run must still do, in order, once the cause is fixed.
            "pendingCompensations": [c.name for c in [compensation, *following]],
        }
        states.update(
            language.escalation_states(
                escalation,
                queue_url,
                fixed_fields,
                dead_letter_fields,
                timeout_seconds=timing.task_timeout_seconds,
                next_state=saga.escalation_outcome,
                retry=timing.compensation_retry.retrier(("States.ALL",)),
            )
        )
    return states


def _rolled_back_business_errors(saga: Saga) -> list[BusinessError]:
    """Business errors raised after some work was done: they reach their outcome through the chain."""
    return [
        error
        for index, step in enumerate(saga.steps)
        if _latest_compensation(saga.steps[:index])
        for error in step.business_errors
    ]


def _outcomes(saga: Saga, language: Dialect) -> dict[str, State]:
    states: dict[str, State] = {}
    rolled_back = _rolled_back_business_errors(saga)
    if rolled_back:
        rules = [language.failure_error_is(e.error, language.business_entry(e.outcome)) for e in rolled_back]
        states[ROLLBACK_OUTCOME] = choice(rules, default=language.unexpected_entry(saga.failure_outcome))
    # The validation's catch explains its own (JSONPath: the caught error replaced the state).
    states.update(language.business_states(saga.validation.invalid.outcome, explained=False))
    for error in (e for s in saga.steps for e in s.business_errors):
        states.update(language.business_states(error.outcome))
    # Unexpected errors keep their original error and message for operators; the history has the full detail.
    states.update(language.unexpected_states(saga.failure_outcome, error=saga.failure_outcome))
    states[saga.escalation_outcome] = fail(saga.escalation_outcome, cause=ESCALATION_CAUSE)
    return states
