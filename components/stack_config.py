"""Typed stack configuration: every knob of Pulumi.<stack>.yaml, validated before anything is created."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pulumi

from asl.policies import MAX_EXECUTION_SECONDS
from asl.query_language import QUERY_LANGUAGES, QueryLanguage
from components.code_signing import SIGNING_PROFILE_VERSION_ARN

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
# AWS publishes the Powertools for AWS Lambda (Python) layers from this account, in every region
# (https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer). A layer runs inside every function with its
# role's credentials, so a look-alike from another account would be code we never reviewed with our permissions.
POWERTOOLS_PUBLISHER_ACCOUNT = "017000801446"
LAYER_VERSION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[A-Za-z0-9_-]+):(?P<version>\d+)$"
)
CODE_SIGNING_POLICIES = ("Enforce", "Warn")
# Lambda's default account concurrency is 1000, of which AWS keeps 100 unreserved; a stack reserving more than
# the rest cannot be deployed in such an account (raise the quota first, then this limit with it).
MAX_RESERVED_CONCURRENCY = 900
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# CloudWatch accepts alarm periods of 10, 30 or a multiple of 60 seconds (high-resolution periods need
# high-resolution metrics, which Step Functions and Lambda do not publish): 60 s and up here.
ALARM_PERIOD_STEP_SECONDS = 60


@dataclass(frozen=True)
class AlarmSettings:
    """The operations alarms' thresholds (config `alarms`, a map; each key optional)."""

    period_seconds: int = 300  # alarms.periodSeconds: the window every alarm sums over
    evaluation_periods: int = 1  # alarms.evaluationPeriods: consecutive breaching windows before it fires
    lambda_errors: int = 1  # alarms.lambdaErrors: errors of one function within a window
    lambda_throttles: int = 1  # alarms.lambdaThrottles: throttles of one function within a window
    # alarms.businessFailurePercent: business failures (declined, out of stock, invalid) per started checkout
    business_failure_percent: int = 30
    # alarms.businessFailureMinimumExecutions: fewer checkouts in a window than this never make a surge
    business_failure_minimum_executions: int = 10

    KEYS: ClassVar[dict[str, str]] = {
        "periodSeconds": "period_seconds",
        "evaluationPeriods": "evaluation_periods",
        "lambdaErrors": "lambda_errors",
        "lambdaThrottles": "lambda_throttles",
        "businessFailurePercent": "business_failure_percent",
        "businessFailureMinimumExecutions": "business_failure_minimum_executions",
    }

    def __post_init__(self) -> None:
        for key, attribute in self.KEYS.items():
            value = getattr(self, attribute)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"config alarms.{key}={value!r} must be an integer")
        _within("alarms.periodSeconds", self.period_seconds, ALARM_PERIOD_STEP_SECONDS, 86400)
        if self.period_seconds % ALARM_PERIOD_STEP_SECONDS:
            raise ValueError(f"config alarms.periodSeconds={self.period_seconds} must be a multiple of 60")
        _within("alarms.evaluationPeriods", self.evaluation_periods, 1, 100)
        _within("alarms.lambdaErrors", self.lambda_errors, 1, 1_000_000)
        _within("alarms.lambdaThrottles", self.lambda_throttles, 1, 1_000_000)
        _within("alarms.businessFailurePercent", self.business_failure_percent, 1, 100)
        _within("alarms.businessFailureMinimumExecutions", self.business_failure_minimum_executions, 1, 1_000_000)

    @classmethod
    def from_config(cls, values: Mapping[str, Any]) -> AlarmSettings:
        unknown = sorted(set(values) - set(cls.KEYS))
        if unknown:
            raise ValueError(f"config alarms has unknown keys {unknown}; known: {sorted(cls.KEYS)}")
        return cls(**{cls.KEYS[key]: value for key, value in values.items()})


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
    # Tagged on every resource (the provider's default tags), with the application and the stack.
    owner: str = "unowned"
    # Function (logical name, e.g. "refund-payment") -> its reserved concurrency. See check_reserved_concurrency.
    reserved_concurrency: Mapping[str, int] = field(default_factory=dict)
    # Lambda code signing: None (off), or what Lambda does with code no allowed profile signed ("Enforce"/"Warn").
    code_signing: str | None = None
    # Signing-profile version ARNs allowed besides the stack's own (the Powertools layer's publisher, if it signs).
    code_signing_layer_publishers: Sequence[str] = ()
    # AWS Backup plan for the domain tables (daily, kept this many days); None: PITR only.
    backup_retention_days: int | None = None
    # Who the security alarms e-mail (an SNS subscription the recipient confirms); None: the topic only.
    alarm_email: str | None = None
    # The checkout saga's execution TimeoutSeconds (see check_saga_timeout); None: Standard's one-year limit.
    saga_timeout_seconds: int | None = None
    alarms: AlarmSettings = field(default_factory=AlarmSettings)
    # The checkout saga's `live` alias: the percentage of new executions on the newest version, the previous version
    # keeping the rest (a canary); None: all of them on the newest. `sagactl rollout` moves it step by step.
    canary_weight: int | None = None
    # Lambda SnapStart (ApplyOn PublishedVersions) for every handler: restored from a snapshot of its initialized
    # environment instead of importing on each cold start.
    snap_start: bool = False
    # The query language the three workflows are written in (asl/query_language.py).
    query_language: QueryLanguage = "JSONata"

    def __post_init__(self) -> None:
        _one_of("queryLanguage", self.query_language, QUERY_LANGUAGES)
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
        layer = LAYER_VERSION_ARN.match(self.powertools_layer_arn)
        if layer is None:
            raise ValueError(
                f"powertoolsLayerArn must be a layer version ARN, got {self.powertools_layer_arn!r}"
            )
        if layer["account"] != POWERTOOLS_PUBLISHER_ACCOUNT:
            raise ValueError(
                "powertoolsLayerArn must be AWS's Powertools layer, published by account "
                f"{POWERTOOLS_PUBLISHER_ACCOUNT}, not by {layer['account']}"
            )
        if self.lambda_architecture not in self.powertools_layer_arn:
            raise ValueError(
                "powertoolsLayerArn must be the layer built for lambdaArchitecture "
                f"({self.lambda_architecture})"
            )
        if not self.owner.strip():
            raise ValueError("config owner must name who owns the stack (a team or a person), got an empty value")
        for function, reservation in self.reserved_concurrency.items():
            key = f"reservedConcurrency.{function}"
            if isinstance(reservation, bool) or not isinstance(reservation, int):
                raise ValueError(f"config {key}={reservation!r} must be a non-negative integer")
            _within(key, reservation, 0, MAX_RESERVED_CONCURRENCY)
        total = sum(self.reserved_concurrency.values())
        if total > MAX_RESERVED_CONCURRENCY:
            raise ValueError(
                f"config reservedConcurrency reserves {total} in all, more than the {MAX_RESERVED_CONCURRENCY} an "
                "account with Lambda's default concurrency (1000, 100 of which stay unreserved) can give"
            )
        if self.code_signing is not None:
            _one_of("codeSigning", self.code_signing, CODE_SIGNING_POLICIES)
        if self.code_signing_layer_publishers and self.code_signing is None:
            raise ValueError("config codeSigningLayerPublishers needs codeSigning (Enforce or Warn)")
        for arn in self.code_signing_layer_publishers:
            if not SIGNING_PROFILE_VERSION_ARN.match(arn):
                raise ValueError(f"config codeSigningLayerPublishers: {arn!r} is not a signing-profile version ARN")
        if self.backup_retention_days is not None:
            _within("backupRetentionDays", self.backup_retention_days, 1, 3650)
        if self.canary_weight is not None:
            _within("canaryWeight", self.canary_weight, 0, 100)
        if self.alarm_email is not None and not EMAIL.match(self.alarm_email):
            raise ValueError(f"config alarmEmail={self.alarm_email!r} must be an e-mail address")
        if self.saga_timeout_seconds is not None:
            _within("sagaTimeoutSeconds", self.saga_timeout_seconds, 1, MAX_EXECUTION_SECONDS)


def check_saga_timeout(saga_timeout_seconds: int | None, worst_case_seconds: float) -> None:
    """The saga's timeout must outlast the longest run its retry policies allow (asl/durations.py): a healthy saga,
    still retrying as designed, must never be ended TIMED_OUT (which skips its own compensations)."""
    if saga_timeout_seconds is not None and saga_timeout_seconds < worst_case_seconds:
        worst = math.ceil(worst_case_seconds)
        raise ValueError(
            f"config sagaTimeoutSeconds={saga_timeout_seconds} is shorter than the {worst} s a healthy "
            "saga may take with its retries (every attempt timing out, every backoff at its longest): raise it, or "
            "lower lambdaTimeoutSeconds / retryIntervalSeconds / retryMaxDelaySeconds"
        )


def check_reserved_concurrency(config: StackConfig, functions: Sequence[str], guaranteed: Sequence[str]) -> None:
    """Every function of the stack has a reservation, and the `guaranteed` ones (the compensations) at least one.

    A reservation is a floor and a ceiling at once: Lambda sets that much of the account's concurrency aside for
    the function alone (no other function can use it, whatever floods the account) and never runs more of it. So a
    compensation's reservation is capacity a validation flood cannot take, and the validation's own reservation caps
    the flood so that it cannot drain the unreserved pool either. A reservation of 0 stops a function (AWS's
    kill switch): allowed, but never for a compensation, which must always be able to undo a charge or a reservation.
    """
    unknown = sorted(set(config.reserved_concurrency) - set(functions))
    if unknown:
        raise ValueError(
            f"config reservedConcurrency names no function of this stack: {unknown}; functions: {list(functions)}"
        )
    for function in functions:
        if function not in config.reserved_concurrency:
            raise ValueError(f"config reservedConcurrency.{function} is missing: every function needs a reservation")
    for function in guaranteed:
        if config.reserved_concurrency[function] < 1:
            raise ValueError(
                f"config reservedConcurrency.{function} must be at least 1: a compensation needs capacity nothing else "
                "can take"
            )


def load_stack_config(
    config: pulumi.Config, functions: Sequence[str] = (), guaranteed: Sequence[str] = ()
) -> StackConfig:
    """The stack's configuration, validated: `functions` (logical names) must each have a reserved concurrency, the
    `guaranteed` ones at least 1."""
    loaded = StackConfig(
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
        owner=config.require("owner"),
        reserved_concurrency=_object(config, "reservedConcurrency"),
        code_signing=config.get("codeSigning") or None,
        code_signing_layer_publishers=_list(config, "codeSigningLayerPublishers"),
        backup_retention_days=config.get_int("backupRetentionDays"),
        alarm_email=config.get("alarmEmail") or None,
        saga_timeout_seconds=config.require_int("sagaTimeoutSeconds"),
        alarms=AlarmSettings.from_config(_object(config, "alarms")),
        canary_weight=config.get_int("canaryWeight"),
        snap_start=config.get_bool("snapStart") or False,
        query_language=config.get("queryLanguage") or "JSONata",  # type: ignore[arg-type]  # checked in StackConfig
    )
    if functions:
        check_reserved_concurrency(loaded, functions, guaranteed)
    return loaded


def _object(config: pulumi.Config, key: str) -> dict[str, Any]:
    """A structured config value (the engine passes it as JSON text)."""
    raw = config.get(key)
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"config {key} must be a map, got {raw!r}") from error
    if not isinstance(value, dict):
        raise ValueError(f"config {key} must be a map, got {raw!r}")
    return value


def _list(config: pulumi.Config, key: str) -> tuple[str, ...]:
    """A list of strings in config (the engine passes it as JSON text)."""
    raw = config.get(key)
    if raw is None:
        return ()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"config {key} must be a list, got {raw!r}") from error
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"config {key} must be a list of strings, got {raw!r}")
    return tuple(value)


def _one_of(key: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"config {key}={value!r} must be one of {allowed}")


def _within(key: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"config {key}={value} must be between {low} and {high}")
