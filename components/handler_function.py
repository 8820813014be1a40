"""One Lambda function from handlers/, with its own role, log group and least-privilege grants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam, key_policies, naming
from components.code_archive import handler_archive
from components.code_signing import CodeSigning, SignedCode, SignedCodeArgs

LAMBDA_RUNTIME = "python3.13"

# pydantic looks for plugins (entry points of every installed distribution) when the first model is built,
# i.e. in every cold start; the handlers use none, and "__all__" skips the scan.
RUNTIME_ENVIRONMENT = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}


# Lambda's Advanced Logging Controls name two Python levels differently.
LAMBDA_LOG_LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR", "CRITICAL": "FATAL"}


@dataclass(frozen=True)
class TableGrant:
    """Exactly these DynamoDB actions on exactly this table (and nothing on its indexes)."""

    table_arn: pulumi.Input[str]
    actions: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.actions or any(not a.startswith("dynamodb:") or "*" in a for a in self.actions):
            raise ValueError(f"grant explicit dynamodb actions, got {self.actions}")


@dataclass(frozen=True)
class LambdaSettings:
    """What every function of a stack shares (from stack config)."""

    architecture: str
    memory_mb: int
    timeout_seconds: int
    powertools_layer_arn: str
    log_level: str
    log_retention_days: int
    service_name: str
    metrics_namespace: str
    log_kms_key_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class HandlerFunctionArgs:
    handlers_dir: Path
    module: str
    settings: LambdaSettings
    shared_packages: tuple[str, ...] = ("checkout_domain",)
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    table_grants: Sequence[TableGrant] = ()
    account_id: pulumi.Input[str] = ""
    region: pulumi.Input[str] = ""
    # The tables' customer-managed key (prod): DynamoDB uses it with the caller's permission.
    table_key_arn: pulumi.Input[str] | None = None
    # Statements for what else the code calls (e.g. KMS for the payment token), added as they are.
    extra_statements: Sequence[iam.Statement] = ()
    # Concurrency set aside for this function alone, and its ceiling (None: it shares the account's unreserved pool).
    reserved_concurrency: int | None = None
    # The stack's code signing (prod): the function's code is the signed copy of its archive, and Lambda checks it.
    code_signing: CodeSigning | None = None
    # SnapStart (prod): each published version is initialized once and its environments restored from a snapshot.
    # Every handler's init is snapshot-safe; the comment above each module-level object says why.
    snap_start: bool = False

    def __post_init__(self) -> None:
        if self.reserved_concurrency is not None and self.reserved_concurrency < 0:
            raise ValueError(
                f"function {self.module}: reserved concurrency must be >= 0, got {self.reserved_concurrency}"
            )


class HandlerFunction(pulumi.ComponentResource):
    """`qualified_arn` is the version this deployment published: what a workflow should invoke, so that one workflow
    version always runs the handler versions it was deployed with. `arn` (unqualified) is $LATEST."""

    function_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    qualified_arn: pulumi.Output[str]
    version: pulumi.Output[str]

    def __init__(self, name: str, args: HandlerFunctionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("checkout:compute:HandlerFunction", name, None, opts)
        if args.table_key_arn is not None and not (args.region and args.account_id):
            raise ValueError(f"function {name}: a table key needs the region and account it is used in")
        child = pulumi.ResourceOptions(parent=self)
        settings = args.settings
        # Named up front so the log group exists (with retention) before Lambda would create its own.
        physical_name = naming.function_name(name)

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.lambda_log_group_name(name),
            retention_in_days=settings.log_retention_days,
            kms_key_id=settings.log_kms_key_arn,
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            # Named like its function: a key policy can then name the role before it exists.
            name=naming.role_name(name),
            assume_role_policy=iam.service_trust_policy("lambda.amazonaws.com", args.account_id),
            description=f"Execution role of {physical_name}",
            opts=child,
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.id,
            policy=iam.policy_document(self._statements(args)),
            opts=child,
        )
        self.function = aws.lambda_.Function(
            name,
            name=physical_name,
            runtime=LAMBDA_RUNTIME,
            architectures=[settings.architecture],
            handler=f"{args.module}.lambda_handler",
            **self._code(name, handler_archive(args.handlers_dir, args.module, args.shared_packages, LAMBDA_RUNTIME),
                         args),
            role=self.role.arn,
            reserved_concurrent_executions=args.reserved_concurrency,
            # A new version on every code or configuration change; callers invoke versions, never $LATEST.
            publish=True,
            snap_start=aws.lambda_.FunctionSnapStartArgs(apply_on="PublishedVersions") if args.snap_start else None,
            memory_size=settings.memory_mb,
            timeout=settings.timeout_seconds,
            layers=[settings.powertools_layer_arn],
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            # With JSON logs Lambda filters application logs at ApplicationLogLevel (INFO unless set), and
            # Powertools obeys it over POWERTOOLS_LOG_LEVEL: the stack's level must be Lambda's too.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=self.log_group.name,
                application_log_level=LAMBDA_LOG_LEVELS[settings.log_level],
            ),
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "POWERTOOLS_SERVICE_NAME": settings.service_name,
                    "POWERTOOLS_METRICS_NAMESPACE": settings.metrics_namespace,
                    "POWERTOOLS_LOG_LEVEL": settings.log_level,
                    **RUNTIME_ENVIRONMENT,
                    **args.environment,
                }
            ),
            # The policy must exist before the first invocation can write logs or touch a table.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.policy, self.log_group]),
        )
        self.function_name = self.function.name
        self.arn = self.function.arn
        self.qualified_arn = self.function.qualified_arn
        self.version = self.function.version
        self.register_outputs(
            {"functionName": self.function_name, "arn": self.arn, "qualifiedArn": self.qualified_arn}
        )

    def _code(self, name: str, archive: pulumi.Archive, args: HandlerFunctionArgs) -> dict[str, Any]:
        """The archive itself, or (with code signing) its signed copy in S3 and the configuration Lambda checks."""
        if args.code_signing is None:
            return {"code": archive}
        signed = SignedCode(
            f"{name}-code", SignedCodeArgs(archive, args.code_signing), opts=pulumi.ResourceOptions(parent=self)
        )
        return {
            "s3_bucket": signed.bucket,
            "s3_key": signed.key,
            "code_signing_config_arn": args.code_signing.config_arn,
        }

    def _statements(self, args: HandlerFunctionArgs) -> list[iam.Statement]:
        statements = [
            iam.allow(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [self.log_group.arn.apply(lambda arn: f"{arn}:*")],
            ),
            iam.allow_aws_required_wildcard("WriteTraces", iam.XRAY_WRITE_ACTIONS[:2]),
        ]
        for index, grant in enumerate(args.table_grants):
            statements.append(iam.allow(f"Table{index}", grant.actions, [grant.table_arn]))
        if args.table_grants and args.table_key_arn is not None:
            statements.append(
                iam.allow(
                    "UseTableKeyThroughDynamoDB",
                    key_policies.TABLE_USER_KEY_ACTIONS,
                    [args.table_key_arn],
                    key_policies.via_service("dynamodb", args.region, args.account_id),
                )
            )
        statements.extend(args.extra_statements)
        return statements
