"""components/code_signing.py and HandlerFunction with code signing: the signer profile, the enforcing code-signing
configuration, the versioned private bucket, and a function whose code is the signed copy of its own archive."""

from __future__ import annotations

import pulumi
import pytest

from components.code_signing import CodeSigning, CodeSigningArgs
from components.handler_function import HandlerFunction, HandlerFunctionArgs, LambdaSettings
from devstack.program import PROJECT_DIR

FUNCTION = "aws:lambda/function:Function"
SETTINGS = LambdaSettings("arm64", 128, 3, "arn:aws:lambda:eu-west-1:017000801446:layer:l:1", "INFO", 14, "s", "n")


def test_only_enforce_or_warn():
    with pytest.raises(ValueError, match="untrusted_artifact_on_deployment"):
        CodeSigningArgs("Audit")


def test_a_layer_publisher_must_be_a_signing_profile_version():
    with pytest.raises(ValueError, match="signing-profile version ARN"):
        CodeSigningArgs(layer_publishers=["arn:aws:iam::017000801446:role/x"])


def test_layer_publishers_are_allowed_beside_the_stack_s_own_profile(cloud):
    publisher = "arn:aws:signer:eu-west-1:017000801446:/signing-profiles/PowertoolsLayers/Abc123xyz"

    @pulumi.runtime.test
    def declare():
        signing = CodeSigning("code-signing", CodeSigningArgs("Enforce", layer_publishers=[publisher]))

        def check(_):
            (profile,) = cloud.of_type("aws:signer/signingProfile:SigningProfile")
            (config,) = cloud.of_type("aws:lambda/codeSigningConfig:CodeSigningConfig")
            assert config.inputs["allowedPublishers"] == {
                "signingProfileVersionArns": [profile.outputs["versionArn"], publisher]}

        return signing.config_arn.apply(check)

    declare()


def test_code_signing_enforces_the_stack_s_own_profile_and_keeps_artifacts_versioned_and_private(cloud):
    @pulumi.runtime.test
    def declare():
        signing = CodeSigning("code-signing", CodeSigningArgs())

        def check(outputs):
            config_arn, profile_name, bucket = outputs[:3]
            (profile,) = cloud.of_type("aws:signer/signingProfile:SigningProfile")
            assert profile.inputs["platformId"] == "AWSLambda-SHA384-ECDSA"
            assert profile.inputs["namePrefix"] == "checkout_saga_code_signing_unit_"  # Signer: [A-Za-z0-9_] only
            assert profile_name == profile.outputs["name"]
            (config,) = cloud.of_type("aws:lambda/codeSigningConfig:CodeSigningConfig")
            assert config.inputs["allowedPublishers"] == {"signingProfileVersionArns": [profile.outputs["versionArn"]]}
            assert config.inputs["policies"] == {"untrustedArtifactOnDeployment": "Enforce"}
            assert config_arn == config.outputs["arn"]
            (versioning,) = cloud.of_type("aws:s3/bucketVersioning:BucketVersioning")
            assert versioning.inputs == {"bucket": bucket, "versioningConfiguration": {"status": "Enabled"}}
            (private,) = cloud.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
            assert private.inputs == {
                "bucket": bucket,
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            }

        # Resolved once every resource of the component is registered.
        return pulumi.Output.all(
            signing.config_arn,
            signing.profile_name,
            signing.bucket_name,
            signing.versioning.id,
            signing.public_access_block.id,
        ).apply(check)

    declare()


def test_a_signed_function_runs_the_signed_copy_of_its_own_archive_and_is_checked_by_the_configuration(cloud):
    @pulumi.runtime.test
    def declare():
        signing = CodeSigning("code-signing", CodeSigningArgs())
        function = HandlerFunction(
            "confirm-order",
            HandlerFunctionArgs(PROJECT_DIR / "handlers", "confirm_order", SETTINGS, code_signing=signing),
        )

        def check(_):
            declared = cloud.named(FUNCTION, "confirm-order")
            (unsigned,) = cloud.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
            (job,) = cloud.of_type("aws:signer/signingJob:SigningJob")
            bucket = cloud.named("aws:s3/bucket:Bucket", "code-signing-artifacts").outputs["bucket"]
            assert unsigned.inputs["bucket"] == bucket and unsigned.inputs["key"] == "unsigned/confirm-order-code.zip"
            assert "confirm_order.py" in unsigned.inputs["source"].assets
            assert job.inputs["profileName"] == cloud.of_type("aws:signer/signingProfile:SigningProfile")[0].outputs[
                "name"
            ]
            assert job.inputs["source"] == {
                "s3": {"bucket": bucket, "key": unsigned.inputs["key"], "version": unsigned.outputs["versionId"]}
            }
            assert job.inputs["destination"] == {"s3": {"bucket": bucket, "prefix": "signed/confirm-order-code/"}}
            assert job.inputs["ignoreSigningJobFailure"] is False
            (signed,) = job.outputs["signedObjects"][0]["s3s"]
            assert (declared.inputs["s3Bucket"], declared.inputs["s3Key"]) == (signed["bucket"], signed["key"])
            assert "code" not in declared.inputs  # never the unsigned archive
            config = cloud.of_type("aws:lambda/codeSigningConfig:CodeSigningConfig")[0]
            assert declared.inputs["codeSigningConfigArn"] == config.outputs["arn"]

        return function.arn.apply(check)

    declare()
