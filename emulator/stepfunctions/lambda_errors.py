"""Invoke API errors in Lambda tasks that name the function by ARN, named the way AWS names them
(extension sfn-lambda-api-errors).

When the Invoke call itself fails (throttled, Lambda service error), AWS reports the task error as
``Lambda.<ErrorCode>``, e.g. ``Lambda.TooManyRequestsException``, for both the
``arn:aws:states:::lambda:invoke`` integration and a bare function ARN as Resource; that name is what a
Retry's ErrorEquals matches. moto does so for the integration (StateTaskServiceLambda) but reports the bare-ARN
form as ``Exception``, which no Lambda.* retrier would match. This applies the integration's naming (and its
Cause format) to the bare-ARN task; function errors and timeouts keep moto's handling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError
from moto.stepfunctions.parser.api import HistoryEventType, LambdaFunctionFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda import (
    StateTaskServiceLambda,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from emulator.moto_seams import Kind, MotoExtension, Signature, around


def from_error(original: Callable[..., FailureEvent], task: Any, env: Any, ex: Exception) -> FailureEvent:
    """Replacement for ``StateTaskLambda._from_error(self, env, ex)``."""
    if not isinstance(ex, ClientError):
        return original(task, env=env, ex=ex)
    error, cause = StateTaskServiceLambda._error_cause_from_client_error(ex)
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(error),
        event_type=HistoryEventType.LambdaFunctionFailed,
        # moto declares every key of this TypedDict required, yet builds it with one key, as here.
        event_details=EventDetails(  # type: ignore[typeddict-item]
            lambdaFunctionFailedEventDetails=LambdaFunctionFailedEventDetails(error=error, cause=cause)
        ),
    )


EXTENSION = MotoExtension(
    name="sfn-lambda-api-errors",
    kind=Kind.FIDELITY,
    purpose="Invoke API errors of bare-ARN Lambda tasks are Lambda.<ErrorCode> (moto: Exception), as Retry expects",
    module=__name__,
    seams=(
        Signature(StateTaskLambda, "_from_error", ("self", "env", "ex")),
        Signature(StateTaskServiceLambda, "_error_cause_from_client_error", ("client_error",)),
    ),
    install=lambda: around(StateTaskLambda, "_from_error", from_error),
)
