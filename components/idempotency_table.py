"""The one DynamoDB table every handler's powertools idempotency layer shares."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.table import Table, TableArgs

# The schema powertools' DynamoDBPersistenceLayer expects by default.
POWERTOOLS_KEY_ATTRIBUTE = "id"
POWERTOOLS_EXPIRY_ATTRIBUTE = "expiration"


@dataclass(frozen=True)
class IdempotencyTableArgs:
    point_in_time_recovery: bool
    deletion_protection: bool
    kms_key_arn: pulumi.Input[str] | None = None


class IdempotencyTable(Table):
    def __init__(self, name: str, args: IdempotencyTableArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(
            name,
            TableArgs(
                hash_key=POWERTOOLS_KEY_ATTRIBUTE,
                # Expired records are removed by DynamoDB TTL, for free, instead of by us.
                ttl_attribute=POWERTOOLS_EXPIRY_ATTRIBUTE,
                point_in_time_recovery=args.point_in_time_recovery,
                deletion_protection=args.deletion_protection,
                kms_key_arn=args.kms_key_arn,
            ),
            opts,
            type_token="checkout:data:IdempotencyTable",
        )
