"""Retry and timeout policies: the knobs of a definition that differ between stacks and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Errors worth retrying on every task: Lambda's own transient faults (AWS's recommended set for the
# Lambda integration) plus our handlers' TransientError.
TRANSIENT_ERRORS: tuple[str, ...] = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "TransientError",
)


@dataclass(frozen=True)
class RetryPolicy:
    interval_seconds: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: int | None = None
    # FULL jitter spreads retries of many executions hitting the same throttled dependency; without it the
    # total wait is guaranteed, which is what outliving a lock's expiry needs.
    jitter: bool = True

    def __post_init__(self) -> None:
        # The same limits Step Functions enforces at CreateStateMachine, checked before deploy.
        if self.interval_seconds < 1:
            raise ValueError("IntervalSeconds must be >= 1")
        if not 0 <= self.max_attempts <= 99_999_999:
            raise ValueError("MaxAttempts must be between 0 and 99999999")
        if self.backoff_rate < 1.0:
            raise ValueError("BackoffRate must be >= 1.0")
        if self.max_delay_seconds is not None and self.max_delay_seconds < 1:
            raise ValueError("MaxDelaySeconds must be >= 1")

    def longest_waits_seconds(self) -> float:
        """The most a state can wait between its attempts under this policy: every retry taken, every backoff at its
        full (jitter only shortens a wait), capped by MaxDelaySeconds as Step Functions caps it."""
        return retry_waits_seconds(self.interval_seconds, self.max_attempts, self.backoff_rate, self.max_delay_seconds)

    def retrier(self, errors: tuple[str, ...]) -> dict[str, Any]:
        retrier: dict[str, Any] = {
            "ErrorEquals": list(errors),
            "IntervalSeconds": self.interval_seconds,
            "MaxAttempts": self.max_attempts,
            "BackoffRate": self.backoff_rate,
            "JitterStrategy": "FULL" if self.jitter else "NONE",
        }
        if self.max_delay_seconds is not None:
            retrier["MaxDelaySeconds"] = self.max_delay_seconds
        return retrier


def retry_waits_seconds(interval: float, attempts: int, backoff_rate: float, max_delay: float | None) -> float:
    waits = (interval * backoff_rate**retry for retry in range(attempts))
    return float(sum(wait if max_delay is None else min(wait, max_delay) for wait in waits))


# Step Functions' limit on a Standard execution's duration: one year.
MAX_EXECUTION_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class SagaTiming:
    """Per-definition timing. Defaults suit AWS; tests pass shorter intervals, never fewer attempts."""

    task_timeout_seconds: int = 30
    step_retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Compensations must eventually succeed: more attempts, backoff capped so they keep trying often.
    compensation_retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(interval_seconds=1, max_attempts=8, max_delay_seconds=30)
    )
    # The pivot is retried on any error until it succeeds (within a bounded, capped budget).
    pivot_retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(interval_seconds=1, max_attempts=10, max_delay_seconds=60)
    )

    # Steps that must not give up while an earlier attempt still holds the idempotency lock (a killed
    # invocation's record stays INPROGRESS until its Lambda timeout) retry TransientError for at least that
    # long, without jitter so the wait is guaranteed. None: no such retrier.
    in_progress_retry: RetryPolicy | None = None
    # The whole execution's TimeoutSeconds: past it Step Functions ends the execution TIMED_OUT, and no Catch runs
    # (the rollback workflow does the undoing). None: no limit but Standard's year.
    execution_timeout_seconds: int | None = None

    def __post_init__(self) -> None:
        if self.task_timeout_seconds < 1:
            raise ValueError("TimeoutSeconds must be >= 1")
        limit = self.execution_timeout_seconds
        if limit is not None and not 1 <= limit <= MAX_EXECUTION_SECONDS:
            raise ValueError(f"an execution's TimeoutSeconds must be between 1 and {MAX_EXECUTION_SECONDS}")
