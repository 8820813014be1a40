"""AWS Backup of the domain tables: a vault, a daily plan and the selection of tables, on top of PITR.

Point-in-time recovery restores any second of the last 35 days, but it lives and dies with the table's own account
settings; AWS Backup keeps separate, managed recovery points in a vault for as long as the plan says (Security Hub
DynamoDB.4: tables are in a backup plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam, key_policies, naming

# 03:00 UTC every day, outside European shopping hours; AWS Backup starts within the hour after.
DAILY_AT_3_UTC = "cron(0 3 * * ? *)"
# What AWS Backup does with a table and its backups, from AWS's AWSBackupServiceRolePolicyForBackup (its DynamoDB
# statements), on this stack's tables only. StartAwsBackupJob/ListTagsOfResource: DynamoDB's advanced backup.
TABLE_BACKUP_ACTIONS = (
    "dynamodb:CreateBackup",
    "dynamodb:DescribeTable",
    "dynamodb:ListTagsOfResource",
    "dynamodb:StartAwsBackupJob",
)
BACKUP_LIFECYCLE_ACTIONS = ("dynamodb:DeleteBackup", "dynamodb:DescribeBackup")
VAULT_ACTIONS = ("backup:CopyIntoBackupVault", "backup:DescribeBackupVault")


@dataclass(frozen=True)
class TableBackupArgs:
    table_arns: Sequence[pulumi.Input[str]]
    retention_days: int
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    # The stack's customer-managed key: the vault's key and the tables' (whose backups DynamoDB encrypts with it).
    kms_key_arn: pulumi.Input[str] | None = None

    def __post_init__(self) -> None:
        if not self.table_arns:
            raise ValueError("a backup plan needs tables to back up")
        if self.retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, got {self.retention_days}")


class TableBackup(pulumi.ComponentResource):
    vault_arn: pulumi.Output[str]
    plan_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TableBackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:data:TableBackup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vault = aws.backup.Vault(
            f"{name}-vault", name=naming.backup_vault_name(name), kms_key_arn=args.kms_key_arn, opts=child
        )
        self.plan = aws.backup.Plan(
            f"{name}-plan",
            name=naming.physical_name(name, 50),
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=DAILY_AT_3_UTC,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
                )
            ],
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=naming.role_name(name),
            # AWS Backup documents no confused-deputy key for assuming its role: checked whenever it sends one.
            assume_role_policy=iam.service_trust_policy("backup.amazonaws.com", args.account_id, if_sent=True),
            description=f"AWS Backup of the {pulumi.get_stack()} domain tables",
            opts=child,
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-policy", role=self.role.id, policy=iam.policy_document(self._statements(args)), opts=child
        )
        self.selection = aws.backup.Selection(
            f"{name}-tables",
            name=naming.physical_name(name, 50),
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            resources=list(args.table_arns),
            # The role must be able to back up before the first job starts.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.policy]),
        )
        self.vault_arn = self.vault.arn
        self.plan_arn = self.plan.arn
        self.register_outputs({"vaultArn": self.vault_arn, "planArn": self.plan_arn})

    def _statements(self, args: TableBackupArgs) -> list[iam.Statement]:
        statements = [
            iam.allow("BackUpTheSelectedTables", TABLE_BACKUP_ACTIONS, list(args.table_arns)),
            iam.allow(
                "ExpireTheirBackups",
                BACKUP_LIFECYCLE_ACTIONS,
                [pulumi.Output.concat(arn, "/backup/*") for arn in args.table_arns],
            ),
            iam.allow("StoreInOwnVault", VAULT_ACTIONS, [self.vault.arn]),
        ]
        if args.kms_key_arn is not None:
            statements += [
                # DynamoDB decrypts the tables' data keys with the caller's permission while it copies them.
                iam.allow(
                    "ReadTablesThroughDynamoDB",
                    ["kms:Decrypt", "kms:GenerateDataKey"],
                    [args.kms_key_arn],
                    key_policies.via_service("dynamodb", args.region, args.account_id),
                ),
                iam.allow("DescribeTheKey", ["kms:DescribeKey"], [args.kms_key_arn]),
                # Grants only for the AWS services that hold the recovery points (DynamoDB, AWS Backup).
                iam.allow(
                    "GrantToAwsServicesOnly",
                    ["kms:CreateGrant"],
                    [args.kms_key_arn],
                    {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                ),
            ]
        return statements
