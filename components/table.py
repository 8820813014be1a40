"""A DynamoDB table with the settings every table of this stack shares."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class TableArgs:
    hash_key: str
    range_key: str | None = None
    ttl_attribute: str | None = None
    point_in_time_recovery: bool = True
    deletion_protection: bool = True
    # None: AWS-owned key. A customer-managed key ARN makes the table use it (prod).
    kms_key_arn: pulumi.Input[str] | None = None


class Table(pulumi.ComponentResource):
    """On-demand, encrypted, optionally PITR-protected table. Exposes `name` and `arn`."""

    name: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: TableArgs,
        opts: pulumi.ResourceOptions | None = None,
        type_token: str = "checkout:data:Table",
    ) -> None:
        super().__init__(type_token, name, None, opts)
        attributes = [aws.dynamodb.TableAttributeArgs(name=args.hash_key, type="S")]
        if args.range_key:
            attributes.append(aws.dynamodb.TableAttributeArgs(name=args.range_key, type="S"))
        self.table = aws.dynamodb.Table(
            name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=args.hash_key,
            range_key=args.range_key,
            attributes=attributes,
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=args.ttl_attribute, enabled=True)
            if args.ttl_attribute
            else None,
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                enabled=args.point_in_time_recovery
            ),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=args.kms_key_arn
            ),
            deletion_protection_enabled=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
