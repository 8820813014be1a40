"""Generate the Express order-validation definition (the same validate handler as the saga), in either query
language (asl/query_language.py)."""

from __future__ import annotations

from typing import Any

from asl.model import ValidationStep
from asl.policies import TRANSIENT_ERRORS, SagaTiming
from asl.query_language import Keeps, QueryLanguage, Reads, dialect

RECORD_FAILURE = "RecordValidationFailure"
FAILED = "ValidationFailed"


def build_validation_definition(
    validation: ValidationStep,
    validate_function_arn: str,
    timing: SagaTiming | None = None,
    query_language: QueryLanguage = "JSONPath",
) -> dict[str, Any]:
    """Valid -> the normalized order (totals computed) is the output; invalid -> Fail with the errors."""
    timing = timing or SagaTiming()
    language = dialect(query_language)
    outcome = validation.invalid.outcome
    catches, explain, record_failure = language.validation_catches(
        validation.invalid.error, outcome, FAILED, RECORD_FAILURE
    )
    return {
        **language.header(),
        "Comment": "High-volume order validation (Express, start-sync-execution).",
        "StartAt": validation.name,
        "States": {
            validation.name: language.lambda_task(
                validation.name,
                validate_function_arn,
                reads=Reads.INPUT,
                keeps=Keeps.NOTHING,
                timeout_seconds=timing.task_timeout_seconds,
                next_state=None,
                retry=[timing.step_retry.retrier(TRANSIENT_ERRORS)],
                catch=catches,
            ),
            **explain,
            **language.business_states(outcome, explained=False),
            **record_failure,
            # Any other error fails the execution under its own name; the cause is the failure as CheckoutFailed
            # gives it (error and cause), without the handler's stack trace.
            **language.unexpected_states(FAILED, error=None),
        },
    }
