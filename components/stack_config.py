"""Typed stack configuration: every knob of Pulumi.<stack>.yaml, validated before anything is created."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
STATE_MACHINE_LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
ARCHITECTURES = ("arm64", "x86_64")
# CloudWatch Logs accepts only these retention periods.
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


@dataclass(frozen=True)
class StackConfig:
    log_level: str
    log_retention_days: int
    idempotency_ttl_seconds: int
    powertools_layer_arn: str
    lambda_architecture: str
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    standard_log_level: str
    express_log_level: str
    include_execution_data: bool
    deletion_protection: bool
    point_in_time_recovery: bool
    # Prod: tables, log groups, state machines and the dead-letter queue encrypted with the stack's own KMS key.
    customer_managed_kms: bool = False
    # Whether validate_order seals a plaintext `payment_token` itself (dev, for the examples) or rejects it, so
    # that only sealed tokens are accepted (prod); see docs/security.md.
    accept_plaintext_payment_tokens: bool = False
    retry_interval_seconds: int = 1
    # Cap on every backoff. Unset: compensations back off up to 30 intervals, the pivot up to 60.
    retry_max_delay_seconds: int | None = None

    def __post_init__(self) -> None:
        _one_of("logLevel", self.log_level, LOG_LEVELS)
        _one_of("logRetentionDays", self.log_retention_days, RETENTION_DAYS)
        _one_of("lambdaArchitecture", self.lambda_architecture, ARCHITECTURES)
        _one_of("standardLogLevel", self.standard_log_level, STATE_MACHINE_LOG_LEVELS)
        _one_of("expressLogLevel", self.express_log_level, STATE_MACHINE_LOG_LEVELS)
        _within("idempotencyTtlSeconds", self.idempotency_ttl_seconds, 60, 7 * 24 * 3600)
        _within("lambdaMemoryMb", self.lambda_memory_mb, 128, 10240)
        _within("lambdaTimeoutSeconds", self.lambda_timeout_seconds, 1, 900)
        _within("retryIntervalSeconds", self.retry_interval_seconds, 1, 60)
        if self.retry_max_delay_seconds is not None:
            _within("retryMaxDelaySeconds", self.retry_max_delay_seconds, 1, 3600)
        if not self.powertools_layer_arn.startswith("arn:aws"):
            raise ValueError(
                f"powertoolsLayerArn must be a layer version ARN, got {self.powertools_layer_arn!r}"
            )
        if self.lambda_architecture not in self.powertools_layer_arn:
            raise ValueError(
                "powertoolsLayerArn must be the layer built for lambdaArchitecture "
                f"({self.lambda_architecture})"
            )


def load_stack_config(config: pulumi.Config) -> StackConfig:
    return StackConfig(
        log_level=config.require("logLevel"),
        log_retention_days=config.require_int("logRetentionDays"),
        idempotency_ttl_seconds=config.require_int("idempotencyTtlSeconds"),
        powertools_layer_arn=config.require("powertoolsLayerArn"),
        lambda_architecture=config.require("lambdaArchitecture"),
        lambda_memory_mb=config.require_int("lambdaMemoryMb"),
        lambda_timeout_seconds=config.require_int("lambdaTimeoutSeconds"),
        standard_log_level=config.require("standardLogLevel"),
        express_log_level=config.require("expressLogLevel"),
        include_execution_data=config.require_bool("includeExecutionData"),
        deletion_protection=config.require_bool("deletionProtection"),
        point_in_time_recovery=config.require_bool("pointInTimeRecovery"),
        customer_managed_kms=config.get_bool("customerManagedKms") or False,
        accept_plaintext_payment_tokens=config.get_bool("acceptPlaintextPaymentTokens") or False,
        retry_interval_seconds=config.get_int("retryIntervalSeconds") or 1,
        retry_max_delay_seconds=config.get_int("retryMaxDelaySeconds"),
    )


def _one_of(key: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"config {key}={value!r} must be one of {allowed}")


def _within(key: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"config {key}={value} must be between {low} and {high}")
