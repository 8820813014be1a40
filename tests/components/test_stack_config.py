"""components/stack_config.py: bad stack configuration fails before anything is created, naming the key."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from components import stack_config
from components.stack_config import StackConfig, check_reserved_concurrency

POWERTOOLS_LAYER = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27"
PUBLISHER = "arn:aws:signer:eu-west-1:017000801446:/signing-profiles/PowertoolsLayers/Abc123xyz"
FUNCTIONS = ("validate-order", "process-payment", "refund-payment")
COMPENSATIONS = ("refund-payment",)
VALID_CONFIG = StackConfig(
    log_level="INFO",
    log_retention_days=14,
    idempotency_ttl_seconds=3600,
    powertools_layer_arn=POWERTOOLS_LAYER,
    lambda_architecture="arm64",
    lambda_memory_mb=256,
    lambda_timeout_seconds=10,
    standard_log_level="ALL",
    express_log_level="ALL",
    include_execution_data=True,
    deletion_protection=False,
    point_in_time_recovery=False,
    owner="checkout-team",
    reserved_concurrency={"validate-order": 20, "process-payment": 10, "refund-payment": 5},
)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"log_level": "LOUD"}, "logLevel"),
        ({"log_retention_days": 10}, "logRetentionDays"),
        ({"lambda_architecture": "x86_64"}, "built for lambdaArchitecture"),
        ({"powertools_layer_arn": "powertools"}, "layer version ARN"),
        ({"lambda_timeout_seconds": 901}, "lambdaTimeoutSeconds"),
        ({"express_log_level": "VERBOSE"}, "expressLogLevel"),
        # Finding 6: a look-alike layer from another account would run inside every function with its role.
        ({"powertools_layer_arn": POWERTOOLS_LAYER.replace("017000801446", "123456789012")}, "published by account"),
        ({"owner": "  "}, "config owner"),
        ({"reserved_concurrency": {"refund-payment": -1}}, r"reservedConcurrency\.refund-payment=-1"),
        ({"reserved_concurrency": {"refund-payment": True}}, r"reservedConcurrency\.refund-payment=True"),
        ({"reserved_concurrency": {"refund-payment": "5"}}, r"reservedConcurrency\.refund-payment='5'"),
        ({"reserved_concurrency": {"refund-payment": 901}}, r"reservedConcurrency\.refund-payment=901"),
        ({"reserved_concurrency": {"refund-payment": 500, "process-payment": 500}}, "reserves 1000 in all"),
        ({"code_signing": "Audit"}, "codeSigning"),
        ({"code_signing_layer_publishers": (PUBLISHER,)}, "codeSigningLayerPublishers needs codeSigning"),
        ({"code_signing": "Enforce", "code_signing_layer_publishers": ("arn:aws:signer:eu-west-1:1:/x",)},
         "codeSigningLayerPublishers: 'arn:aws:signer:eu-west-1:1:/x' is not a signing-profile version ARN"),
        ({"backup_retention_days": 0}, "backupRetentionDays"),
        ({"alarm_email": "security-oncall"}, "alarmEmail"),
        ({"saga_timeout_seconds": 0}, "sagaTimeoutSeconds=0"),
        ({"saga_timeout_seconds": 366 * 24 * 3600}, "sagaTimeoutSeconds"),
        ({"query_language": "jsonata"}, r"config queryLanguage='jsonata' must be one of \('JSONata', 'JSONPath'\)"),
    ],
)
def test_bad_stack_config_is_rejected_with_the_key_named(change, message):
    with pytest.raises(ValueError, match=message):
        replace(VALID_CONFIG, **change)


def test_the_valid_config_is_valid_and_code_signing_takes_either_policy():
    assert check_reserved_concurrency(VALID_CONFIG, FUNCTIONS, COMPENSATIONS) is None
    assert replace(VALID_CONFIG, code_signing="Enforce").code_signing == "Enforce"
    assert replace(VALID_CONFIG, code_signing="Warn").code_signing == "Warn"


@pytest.mark.parametrize(
    "reservations, message",
    [
        ({"validate-order": 20, "process-payment": 10}, r"reservedConcurrency\.refund-payment is missing"),
        ({"validate-order": 20, "process-payment": 10, "refund-payment": 0}, r"refund-payment must be at least 1"),
        ({"validate-order": 20, "process-payment": 10, "refund-payment": 5, "ship-order": 1}, r"\['ship-order'\]"),
    ],
    ids=["a-function-without-reservation", "a-compensation-without-capacity", "an-unknown-function"],
)
def test_every_function_has_a_reservation_and_compensations_keep_capacity(reservations, message):
    config = replace(VALID_CONFIG, reserved_concurrency=reservations)

    with pytest.raises(ValueError, match=message):
        check_reserved_concurrency(config, FUNCTIONS, COMPENSATIONS)


def test_a_forward_step_may_be_stopped_with_zero_but_not_a_compensation():
    stopped = replace(VALID_CONFIG, reserved_concurrency={**VALID_CONFIG.reserved_concurrency, "process-payment": 0})

    check_reserved_concurrency(stopped, FUNCTIONS, COMPENSATIONS)


class FakeConfig:
    """What `load_stack_config` reads of a `pulumi.Config`: every value as the engine passes it, a string."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def require(self, key: str) -> str:
        if key not in self.values:
            raise KeyError(key)
        return self.values[key]

    def get_int(self, key: str) -> int | None:
        return int(self.values[key]) if key in self.values else None

    def require_int(self, key: str) -> int:
        return int(self.require(key))

    def get_bool(self, key: str) -> bool | None:
        return self.values[key] == "true" if key in self.values else None

    def require_bool(self, key: str) -> bool:
        return self.require(key) == "true"


def engine_config(**changes: str) -> Any:
    values = {
        "logLevel": "INFO",
        "logRetentionDays": "14",
        "idempotencyTtlSeconds": "3600",
        "powertoolsLayerArn": POWERTOOLS_LAYER,
        "lambdaArchitecture": "arm64",
        "lambdaMemoryMb": "256",
        "lambdaTimeoutSeconds": "10",
        "standardLogLevel": "ALL",
        "expressLogLevel": "ALL",
        "includeExecutionData": "true",
        "deletionProtection": "false",
        "pointInTimeRecovery": "true",
        "owner": "checkout-team",
        "sagaTimeoutSeconds": "3600",
        "reservedConcurrency": '{"validate-order": 20, "process-payment": 10, "refund-payment": 5}',
    }
    return FakeConfig({**values, **changes})


def test_loading_reads_the_reservations_as_a_map_and_checks_them_against_the_functions():
    loaded = stack_config.load_stack_config(engine_config(), functions=FUNCTIONS, guaranteed=COMPENSATIONS)

    assert loaded.reserved_concurrency == {"validate-order": 20, "process-payment": 10, "refund-payment": 5}
    assert (loaded.code_signing, loaded.backup_retention_days, loaded.alarm_email) == (None, None, None)
    publishers = stack_config.load_stack_config(
        engine_config(codeSigning="Enforce", codeSigningLayerPublishers=f'["{PUBLISHER}"]'))
    assert publishers.code_signing_layer_publishers == (PUBLISHER,)
    with pytest.raises(ValueError, match="codeSigningLayerPublishers must be a list of strings"):
        stack_config.load_stack_config(engine_config(codeSigning="Enforce", codeSigningLayerPublishers='"arn"'))
    with pytest.raises(ValueError, match="reservedConcurrency must be a map"):
        stack_config.load_stack_config(engine_config(reservedConcurrency="[5]"))
    with pytest.raises(ValueError, match=r"reservedConcurrency\.refund-payment is missing"):
        stack_config.load_stack_config(
            engine_config(reservedConcurrency='{"validate-order": 1, "process-payment": 1}'),
            functions=FUNCTIONS,
            guaranteed=COMPENSATIONS,
        )
    with pytest.raises(KeyError, match="owner"):
        stack_config.load_stack_config(FakeConfig({k: v for k, v in engine_config().values.items() if k != "owner"}))


def test_the_query_language_is_jsonata_unless_the_stack_chooses_jsonpath():
    assert stack_config.load_stack_config(engine_config()).query_language == "JSONata"
    assert stack_config.load_stack_config(engine_config(queryLanguage="JSONPath")).query_language == "JSONPath"
    with pytest.raises(ValueError, match=r"^config queryLanguage='YAML' must be one of \('JSONata', 'JSONPath'\)$"):
        stack_config.load_stack_config(engine_config(queryLanguage="YAML"))


def test_a_saga_timeout_shorter_than_the_slowest_healthy_saga_is_rejected_with_the_key_named():
    with pytest.raises(ValueError, match=r"config sagaTimeoutSeconds=600 is shorter than the 601 s"):
        stack_config.check_saga_timeout(600, 600.5)
    assert stack_config.check_saga_timeout(601, 600.5) is None
    assert stack_config.check_saga_timeout(None, 600.5) is None


def test_loading_requires_the_saga_timeout():
    values = engine_config().values
    del values["sagaTimeoutSeconds"]

    with pytest.raises(KeyError, match="sagaTimeoutSeconds"):
        stack_config.load_stack_config(FakeConfig(values))
    assert stack_config.load_stack_config(engine_config()).saga_timeout_seconds == 3600


@pytest.mark.parametrize(
    "alarms, message",
    [
        ('{"periodSeconds": 30}', r"alarms\.periodSeconds=30 must be between 60"),
        ('{"periodSeconds": 90}', r"alarms\.periodSeconds=90 must be a multiple of 60"),
        ('{"lambdaErrors": 0}', r"alarms\.lambdaErrors=0"),
        ('{"businessFailurePercent": 101}', r"alarms\.businessFailurePercent=101"),
        ('{"evaluationPeriods": "2"}', r"alarms\.evaluationPeriods='2' must be an integer"),
        ('{"lambdaError": 3}', r"config alarms has unknown keys \['lambdaError'\]"),
        ('[1]', "config alarms must be a map"),
    ],
)
def test_bad_alarm_settings_are_rejected_with_the_key_named(alarms, message):
    with pytest.raises(ValueError, match=message):
        stack_config.load_stack_config(engine_config(alarms=alarms))


def test_alarm_settings_default_when_unset_and_read_each_key():
    assert stack_config.load_stack_config(engine_config()).alarms == stack_config.AlarmSettings()
    loaded = stack_config.load_stack_config(engine_config(alarms='{"periodSeconds": 120, "lambdaThrottles": 3}'))
    assert (loaded.alarms.period_seconds, loaded.alarms.lambda_throttles) == (120, 3)
