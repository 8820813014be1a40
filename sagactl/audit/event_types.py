"""What each history event type means for the timeline.

Step Functions has no "retry" event: a retry is another `*Scheduled` within the same state after a
failed attempt. Lambda tasks called by bare function ARN report `LambdaFunction*` events, service
integrations (`arn:aws:states:::...`) report `Task*`, activities `Activity*`; all three are attempts.
"""

from __future__ import annotations

STATE_ENTERED_SUFFIX = "StateEntered"
STATE_EXITED_SUFFIX = "StateExited"

ATTEMPT_SCHEDULED = frozenset({"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"})
ATTEMPT_SUCCEEDED = frozenset({"TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"})
ATTEMPT_FAILED = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "TaskStartFailed",
        "TaskSubmitFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "ActivityFailed",
        "ActivityTimedOut",
        "ActivityScheduleFailed",
    }
)
# Failures of a state as a whole rather than of one attempt (a branch failed, a path did not resolve).
STATE_FAILED = frozenset({"ParallelStateFailed", "MapStateFailed", "EvaluationFailed", "MapRunFailed"})
STATE_ABORTED = frozenset({"TaskStateAborted", "ParallelStateAborted", "MapStateAborted", "WaitStateAborted"})

EXECUTION_STARTED = "ExecutionStarted"
EXECUTION_ENDED = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}
RUNNING = "RUNNING"

# Events whose details carry no `error` although they mean one.
DEFAULT_ERRORS = {
    "TaskTimedOut": "States.Timeout",
    "LambdaFunctionTimedOut": "States.Timeout",
    "ActivityTimedOut": "States.Timeout",
    "ExecutionTimedOut": "States.Timeout",
    "ExecutionAborted": "States.Aborted",
}


def entered_state_type(event_type: str) -> str | None:
    """`TaskStateEntered` -> `Task`; None if the event does not enter a state."""
    if event_type.endswith(STATE_ENTERED_SUFFIX):
        return event_type[: -len(STATE_ENTERED_SUFFIX)]
    return None


def is_state_exit(event_type: str) -> bool:
    return event_type.endswith(STATE_EXITED_SUFFIX)
