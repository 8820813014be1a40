"""A customer-managed KMS key with yearly rotation, an alias, and the key policy its user passes in."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import ALIAS_NAME_MAX_LENGTH, physical_name

# AWS's maximum: a key scheduled for deletion by mistake can be recovered for a month.
DELETION_WINDOW_DAYS = 30
ROTATION_PERIOD_DAYS = 365


@dataclass(frozen=True)
class EncryptionKeyArgs:
    description: str
    policy: pulumi.Input[str]


class EncryptionKey(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:security:EncryptionKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = aws.kms.Key(
            name,
            description=args.description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            rotation_period_in_days=ROTATION_PERIOD_DAYS,
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            policy=args.policy,
            # Whatever a key encrypted is lost with it: `pulumi destroy` (or a replacement) must not schedule its
            # deletion. Tearing a stack down takes `pulumi state unprotect` first, on purpose.
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{physical_name(name, ALIAS_NAME_MAX_LENGTH - len('alias/'))}",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.arn = self.key.arn
        self.alias_name = self.alias.name
        self.register_outputs({"arn": self.arn, "aliasName": self.alias_name})
