"""The powertools idempotency store and configuration shared by every side-effecting step.

Each step's idempotent function passes its own `key_prefix` (the ASL state name), so the record key is
"<StepName>#<md5 of order_id>": one record per (order, step), stable across function renames and identical in
AWS and the emulator.
"""

from __future__ import annotations

from typing import Any, Protocol, Self

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.idempotency.serialization.custom_dict import CustomDictSerializer

from checkout_domain import dynamodb
from checkout_domain.settings import idempotency_table_name, idempotency_ttl_seconds

# What makes a redelivery "the same order": a redelivery that changes what is charged or reserved raises
# IdempotencyValidationError instead of replaying a result that belongs to different goods or money.
PAYLOAD_FINGERPRINT = "[currency, total_minor, items]"

# Metrics instances share one metric set, which the handler's @metrics.log_metrics flushes.
_metrics = Metrics()


def _count_replay(response: Any, idempotent_data: DataRecord) -> Any:
    # A replay returns the stored result without redoing the work, so the step's own metrics stay silent;
    # this makes redeliveries visible.
    _metrics.add_metric(name="IdempotentReplay", unit=MetricUnit.Count, value=1)
    return response


# The steps' own DynamoDB client: left to itself, powertools creates a client in a boto3 session of its own,
# which loads and parses DynamoDB's service model a second time in every cold start (~50 ms here). One client
# also means one connection pool and one retry policy (quick SDK retries, then the state machine's Retry).
# Snapshot-safe (SnapStart): no connection before the first request, refreshable credentials (checkout_domain/__init__).
persistence_layer = DynamoDBPersistenceLayer(table_name=idempotency_table_name(), boto3_client=dynamodb.client())

idempotency_config = IdempotencyConfig(
    event_key_jmespath="order_id",
    payload_validation_jmespath=PAYLOAD_FINGERPRINT,
    raise_on_no_idempotency_key=True,
    expires_after_seconds=idempotency_ttl_seconds(),
    response_hook=_count_replay,
)


class StepResult(Protocol):
    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self: ...


def stored_as_json(result_type: type[StepResult]) -> CustomDictSerializer:
    """A step result is stored as the JSON the step returns, and read back into its type on a replay."""
    return CustomDictSerializer(to_dict=lambda result: result.to_json(), from_dict=result_type.from_json)
