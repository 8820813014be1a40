"""components/encryption_key.py: the EncryptionKey component on its own."""

from __future__ import annotations

import pulumi

from components.encryption_key import EncryptionKey, EncryptionKeyArgs


def test_encryption_key_component_declares_a_rotated_key_with_its_policy_and_an_alias(cloud):
    @pulumi.runtime.test
    def declare():
        key = EncryptionKey("ledger", EncryptionKeyArgs(description="test key", policy='{"Statement": []}'))

        def check(outputs):
            arn, alias_name = outputs
            (declared,) = cloud.of_type("aws:kms/key:Key")
            assert declared.inputs["enableKeyRotation"] is True
            assert declared.inputs["rotationPeriodInDays"] == 365
            assert declared.inputs["deletionWindowInDays"] == 30
            assert declared.inputs["policy"] == '{"Statement": []}'
            (alias,) = cloud.of_type("aws:kms/alias:Alias")
            assert alias_name == alias.inputs["name"] == "alias/checkout-saga-ledger-unit"
            assert alias.inputs["targetKeyId"] == declared.outputs["keyId"]
            assert arn == declared.outputs["arn"]
            # `protect` never reaches the mocks: the resource objects carry it (the engine reads it from them).
            assert key.key._protect is True
            assert not key.alias._protect

        return pulumi.Output.all(key.arn, key.alias_name).apply(check)

    declare()
