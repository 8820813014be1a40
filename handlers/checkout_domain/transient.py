"""Maps retryable infrastructure failures to `TransientError`, the one error name the ASL retries.

Without this, a throttled DynamoDB call would surface as `ClientError` (or powertools'
`IdempotencyPersistenceLayerError`) and the state machine could not tell it from a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyPersistenceLayerError,
)
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from checkout_domain.dynamodb import error_code
from checkout_domain.errors import TransientError

TRANSIENT_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)
# The same trouble, as reported per action inside a cancelled transaction.
TRANSIENT_CANCELLATION_CODES = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def is_transient(exc: BaseException | None) -> bool:
    if isinstance(exc, ClientError):
        return error_code(exc) in TRANSIENT_ERROR_CODES
    return isinstance(exc, (BotocoreConnectionError, HTTPClientError))


# Metrics instances share one metric set, which the handler's @metrics.log_metrics flushes.
_metrics = Metrics()


@contextmanager
def infrastructure_errors_as_transient() -> Iterator[None]:
    try:
        try:
            yield
        except (IdempotencyAlreadyInProgressError, IdempotencyInconsistentStateError) as exc:
            # Another invocation for the same order and step is running (or just finished): try again later.
            raise TransientError(str(exc)) from exc
        except IdempotencyPersistenceLayerError as exc:
            if is_transient(exc.__cause__):
                raise TransientError(str(exc)) from exc
            raise
        except (ClientError, BotocoreConnectionError, HTTPClientError) as exc:
            if is_transient(exc):
                raise TransientError(str(exc)) from exc
            raise
    except TransientError:
        # Counted whether mapped here or raised by the domain: throttling deserves an alarm before it
        # exhausts the state machine's retries.
        _metrics.add_metric(name="TransientError", unit=MetricUnit.Count, value=1)
        raise
