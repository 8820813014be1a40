"""Generate the Express order-validation definition (the same validate handler as the saga)."""

from __future__ import annotations

from typing import Any

from asl.model import ValidationStep
from asl.policies import TRANSIENT_ERRORS, SagaTiming
from asl.saga_builder import FAILURE_PATH, cause_state, explain_state
from asl.states import catch, explain_lambda_error, fail, lambda_task, without_stack_trace

RECORD_FAILURE = "RecordValidationFailure"
FAILED = "ValidationFailed"


def build_validation_definition(
    validation: ValidationStep, validate_function_arn: str, timing: SagaTiming | None = None
) -> dict[str, Any]:
    """Valid -> the normalized order (totals computed) is the output; invalid -> Fail with the errors."""
    timing = timing or SagaTiming()
    outcome = validation.invalid.outcome
    return {
        "Comment": "High-volume order validation (Express, start-sync-execution).",
        "StartAt": validation.name,
        "States": {
            validation.name: lambda_task(
                validate_function_arn,
                timeout_seconds=timing.task_timeout_seconds,
                next_state=None,
                retry=[timing.step_retry.retrier(TRANSIENT_ERRORS)],
                # Replace the state: the raw input may not be a JSON object a catch could write into.
                catch=[
                    catch([validation.invalid.error], explain_state(outcome), "$"),
                    catch(["States.ALL"], RECORD_FAILURE, "$"),
                ],
            ),
            explain_state(outcome): explain_lambda_error(FAILURE_PATH, next_state=outcome, source_path="$"),
            outcome: fail(outcome, cause_path=f"{FAILURE_PATH}.Cause.errorMessage"),
            # Any other error fails the execution under its own name; the cause is the failure as CheckoutFailed
            # gives it (error and cause), without the handler's stack trace.
            RECORD_FAILURE: {"Type": "Pass", "Parameters": {"failure.$": "$"}, "Next": cause_state(FAILED)},
            **without_stack_trace(FAILURE_PATH, cause_state(FAILED), FAILED),
            FAILED: {"Type": "Fail", "ErrorPath": f"{FAILURE_PATH}.Error",
                     "CausePath": f"States.JsonToString({FAILURE_PATH})"},
        },
    }
