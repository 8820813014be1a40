"""Lambda code signing: a signer profile, the code-signing configuration Lambda checks deployments against, and the
signed copy of each function's code archive.

Lambda checks the signature of every code package (and layer) deployed to a function that has the configuration;
with "Enforce" it refuses anything no allowed profile signed, so whoever may update a function's code can no longer
run code of their own with its role. AWS Signer signs archives in S3 only: the archive is uploaded to a versioned,
private bucket, a signing job writes the signed copy under `signed/`, and the function takes its code from there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming

# The one platform AWS Signer offers for Lambda code and layers.
LAMBDA_SIGNING_PLATFORM = "AWSLambda-SHA384-ECDSA"
UNTRUSTED_ARTIFACT_POLICIES = ("Enforce", "Warn")
SIGNING_PROFILE_VERSION_ARN = re.compile(
    r"^arn:aws[a-z-]*:signer:[a-z0-9-]+:\d{12}:/signing-profiles/[A-Za-z0-9_]+/\w+$"
)


@dataclass(frozen=True)
class CodeSigningArgs:
    # What Lambda does with a code package or layer that no allowed profile signed (or whose signature expired or
    # was revoked): "Enforce" refuses the deployment, "Warn" deploys it and records a warning.
    untrusted_artifact_on_deployment: str = "Enforce"
    # Signing-profile versions allowed besides the stack's own: the publishers of the layers the functions use
    # (Lambda checks layers against the same list), e.g. the Powertools layer's if AWS signs it.
    layer_publishers: Sequence[str] = ()

    def __post_init__(self) -> None:
        for arn in self.layer_publishers:
            if not SIGNING_PROFILE_VERSION_ARN.match(arn):
                raise ValueError(f"a layer publisher must be a signing-profile version ARN, got {arn!r}")
        if self.untrusted_artifact_on_deployment not in UNTRUSTED_ARTIFACT_POLICIES:
            raise ValueError(
                f"untrusted_artifact_on_deployment must be one of {UNTRUSTED_ARTIFACT_POLICIES}, "
                f"got {self.untrusted_artifact_on_deployment!r}"
            )


class CodeSigning(pulumi.ComponentResource):
    """The stack's signer profile, code-signing configuration and artifact bucket, shared by its functions."""

    config_arn: pulumi.Output[str]
    profile_name: pulumi.Output[str]
    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: CodeSigningArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:security:CodeSigning", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.profile = aws.signer.SigningProfile(
            f"{name}-profile",
            platform_id=LAMBDA_SIGNING_PLATFORM,
            # A canceled profile's name cannot be reused: a prefix lets a replacement get a fresh one.
            name_prefix=naming.signing_profile_prefix(name),
            opts=child,
        )
        self.config = aws.lambda_.CodeSigningConfig(
            f"{name}-config",
            description=f"Code signed by {pulumi.get_project()}'s {pulumi.get_stack()} signer profile only",
            allowed_publishers=aws.lambda_.CodeSigningConfigAllowedPublishersArgs(
                signing_profile_version_arns=[self.profile.version_arn, *args.layer_publishers]
            ),
            policies=aws.lambda_.CodeSigningConfigPoliciesArgs(
                untrusted_artifact_on_deployment=args.untrusted_artifact_on_deployment
            ),
            opts=child,
        )
        # Signer reads the unsigned archive by version: the bucket must be versioned before the first upload.
        self.bucket = aws.s3.Bucket(f"{name}-artifacts", opts=child)
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-artifacts-versioning",
            bucket=self.bucket.bucket,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-artifacts-private",
            bucket=self.bucket.bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.config_arn = self.config.arn
        self.profile_name = self.profile.name
        self.bucket_name = self.bucket.bucket
        self.register_outputs(
            {"configArn": self.config_arn, "profileName": self.profile_name, "bucketName": self.bucket_name}
        )


@dataclass(frozen=True)
class SignedCodeArgs:
    archive: pulumi.Archive
    signing: CodeSigning


class SignedCode(pulumi.ComponentResource):
    """One code archive, uploaded and signed: `bucket` and `key` are where the signed copy is."""

    bucket: pulumi.Output[str]
    key: pulumi.Output[str]

    def __init__(self, name: str, args: SignedCodeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:security:SignedCode", name, None, opts)
        signing = args.signing
        self.unsigned = aws.s3.BucketObjectv2(
            f"{name}-unsigned",
            bucket=signing.bucket_name,
            key=f"unsigned/{name}.zip",
            source=args.archive,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[signing.versioning, signing.public_access_block]),
        )
        # A new archive is a new object version, hence a new job (every input of a job forces its replacement)
        # and a new signed object: the function is updated with it.
        self.job = aws.signer.SigningJob(
            f"{name}-signing",
            profile_name=signing.profile_name,
            source=aws.signer.SigningJobSourceArgs(
                s3=aws.signer.SigningJobSourceS3Args(
                    bucket=signing.bucket_name, key=self.unsigned.key, version=self.unsigned.version_id
                )
            ),
            destination=aws.signer.SigningJobDestinationArgs(
                s3=aws.signer.SigningJobDestinationS3Args(bucket=signing.bucket_name, prefix=f"signed/{name}/")
            ),
            # A failed signature fails the deployment rather than leaving the function on its old code unnoticed.
            ignore_signing_job_failure=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        signed = self.job.signed_objects.apply(_signed_location)
        self.bucket = signed.apply(lambda location: location[0])
        self.key = signed.apply(lambda location: location[1])
        self.register_outputs({"bucket": self.bucket, "key": self.key})


def _signed_location(signed_objects: Sequence[Any]) -> tuple[str, str]:
    """(bucket, key) of a job's signed object; the SDK hands nested outputs over as output types or as dicts."""
    if not signed_objects:
        raise ValueError("the signing job reported no signed object")
    (s3,) = _field(signed_objects[0], "s3s")
    return str(_field(s3, "bucket")), str(_field(s3, "key"))


def _field(value: Any, name: str) -> Any:
    # Output types are dict subclasses with a property per field; plain dicts (e.g. from mocks) have keys only.
    return getattr(value, name) if hasattr(type(value), name) else value[name]
