"""Generate a saga's rollback workflow: what undoes a saga that Step Functions ended without its Catch running.

A stopped (ABORTED) or timed-out (TIMED_OUT) execution runs no Catch, so its compensations never run. The rollback
workflow, a Standard state machine generated from the same saga description, runs them afterwards:

- its input is the saga's input as Step Functions reported it (JSON text, `originalInput`), the origin execution's
  ARN and the reason (e.g. the origin's status); the validation step normalizes the order again (it has no side
  effects), so every compensation receives the very payload the saga's own compensations receive: the same
  idempotency keys, so a compensation the saga already ran is replayed, not repeated;
- every compensation then runs in reverse step order with the saga's own retries and escalation (the same states,
  `saga_builder.compensation_states`), the dead letter also naming the origin execution and the reason;
- each compensation marks the order FAILED before it undoes anything, conditionally: a step of the stopped saga
  still running (a charge landing late) sees FAILED and undoes itself, and an order already past the pivot raises
  `saga.committed_error`, which ends the rollback in `PastThePivot` with nothing undone (forward recovery);
- an order the validation refuses was never acted on: `NothingToUndo`.

Running it twice for the same order is harmless: every compensation is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asl.model import Saga
from asl.policies import TRANSIENT_ERRORS, SagaTiming
from asl.query_language import COMPENSATION_FAILURE, FAILURE, ORDER, RESULTS, Keeps, QueryLanguage, Reads, dialect
from asl.saga_builder import ESCALATION_CAUSE, compensation_states, compensations_in_rollback_order, escalate_state
from asl.states import State, fail

# The rollback's input keys.
ORIGINAL_INPUT, ORIGIN_EXECUTION, REASON = "originalInput", "originExecutionArn", "reason"
READ_INPUT = "ReadOriginalOrder"
ROLLED_BACK, PAST_THE_PIVOT, NOTHING_TO_UNDO = "RolledBack", "PastThePivot", "NothingToUndo"


def rollback_input(original_input: str, origin_execution_arn: str, reason: str) -> dict[str, str]:
    """What starts a rollback: the saga's input (JSON text, as describe-execution and the status-change event give
    it), the origin execution and why it is rolled back."""
    return {ORIGINAL_INPUT: original_input, ORIGIN_EXECUTION: origin_execution_arn, REASON: reason}


def build_rollback_definition(
    saga: Saga,
    function_arns: Mapping[str, str],
    dead_letter_queue_url: str,
    timing: SagaTiming | None = None,
    query_language: QueryLanguage = "JSONPath",
) -> dict[str, Any]:
    timing = timing or SagaTiming()
    language = dialect(query_language)
    chain = compensations_in_rollback_order(saga)
    if not chain:
        raise ValueError("a saga without compensations has nothing to roll back")
    needed = [saga.validation.function, *(c.function for c in chain)]
    missing = [f for f in needed if f not in function_arns]
    if missing:
        raise ValueError(f"no function ARN for {missing}")
    validation = saga.validation
    carried = (ORIGIN_EXECUTION, REASON)
    states: dict[str, State] = {
        READ_INPUT: language.read_rollback_input(ORIGINAL_INPUT, carried, REASON, next_state=validation.name),
        # The validation reads the raw order and replaces it with the normalized one.
        validation.name: language.lambda_task(
            validation.name,
            function_arns[validation.function],
            reads=Reads.ORDER,
            keeps=Keeps.ORDER,
            timeout_seconds=timing.task_timeout_seconds,
            next_state=chain[0].name,
            retry=[timing.step_retry.retrier(TRANSIENT_ERRORS)],
            catch=[
                language.catch([validation.invalid.error], NOTHING_TO_UNDO, COMPENSATION_FAILURE),
                # Without the normalized order no compensation can run: escalate them all.
                language.catch(
                    ["States.ALL"], language.escalation_entry(escalate_state(chain[0])), COMPENSATION_FAILURE
                ),
            ],
        ),
    }
    states.update(
        compensation_states(
            saga,
            function_arns,
            dead_letter_queue_url,
            timing,
            language,
            end_of_chain=ROLLED_BACK,
            dead_letter_fields=carried,
            committed_next=PAST_THE_PIVOT if saga.committed_error else None,
        )
    )
    states[ROLLED_BACK] = {"Type": "Succeed", **language.results_output()}
    # JSONata: what the JSONPath state data holds at these ends, from the variables.
    data = language.data_output([ORDER, *carried, RESULTS, FAILURE, COMPENSATION_FAILURE])
    if saga.committed_error:
        states[PAST_THE_PIVOT] = {
            "Type": "Succeed", "Comment": "Past the pivot: forward recovery, nothing undone.", **data
        }
    states[NOTHING_TO_UNDO] = {
        "Type": "Succeed", "Comment": "The order was never accepted: no step acted on it.", **data
    }
    states[saga.escalation_outcome] = fail(saga.escalation_outcome, cause=ESCALATION_CAUSE)
    return {
        **language.header(),
        "Comment": f"Rollback of: {saga.comment}",
        "StartAt": READ_INPUT,
        "States": states,
    }
