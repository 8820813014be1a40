"""components/table.py: the Table component on its own."""

from __future__ import annotations

import pulumi

from components.table import Table, TableArgs


def test_table_component_declares_one_encrypted_on_demand_table(cloud):
    @pulumi.runtime.test
    def declare():
        table = Table(
            "ledger",
            TableArgs(
                hash_key="pk",
                point_in_time_recovery=True,
                deletion_protection=True,
                kms_key_arn="arn:aws:kms:eu-west-1:1:key/k",
            ),
        )

        def check(outputs):
            name, arn = outputs
            (declared,) = cloud.of_type("aws:dynamodb/table:Table")
            assert "rangeKey" not in declared.inputs
            assert declared.inputs["serverSideEncryption"] == {
                "enabled": True,
                "kmsKeyArn": "arn:aws:kms:eu-west-1:1:key/k",
            }
            assert "ttl" not in declared.inputs
            assert arn.endswith(f":table/{name}")

        return pulumi.Output.all(table.name, table.arn).apply(check)

    declare()
