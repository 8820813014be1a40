"""The CrossGuard policy pack: every rule passes on what the program declares for dev and prod, and fails on a
deliberately broken copy of a declared resource.

`PolicyPack(...)` starts a gRPC server and never returns, so the rules are tested as the functions they are;
the CrossGuard adapter and the pack's entry point are tested with the server left out.
"""

from __future__ import annotations

import copy
import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi_policy
import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationArgs

from components.iam import WILDCARD_RESOURCE_ACTIONS
from components.stack_config import POWERTOOLS_PUBLISHER_ACCOUNT
from devstack.program import PROJECT_DIR
from policy.rules import RULES, PolicyContext, functions, iam
from policy.rules.crossguard import resource_validation_policy

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
QUEUE = "aws:sqs/queue:Queue"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
KEY = "aws:kms/key:Key"
CODE_SIGNING_CONFIG = "aws:lambda/codeSigningConfig:CodeSigningConfig"
TOPIC = "aws:sns/topic:Topic"
FOREIGN_LAYER = "arn:aws:lambda:eu-west-1:123456789012:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27"
# Rules whose prod config says "mandatory" itself, not only through the pack's default.
MANDATORY_IN_PROD_CONFIG = {"lambda-no-plaintext-payment-tokens-in-prod", "lambda-layers-from-aws-publisher"}
RULES_BY_NAME = {rule.name: rule for rule in RULES}
POLICY_DIR = PROJECT_DIR / "policy"


def violations(resource_type: str, props: dict[str, Any], stack: str) -> dict[str, list[str]]:
    context = PolicyContext(stack)
    found = {rule.name: rule.violations(resource_type, props, context) for rule in RULES}
    return {name: problems for name, problems in found.items() if problems}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_passes_on_the_declared_stack(rule, declared_stack):
    context = PolicyContext(declared_stack.name)
    found = {r.name: rule.violations(r.type, r.inputs, context) for r in declared_stack.resources}

    assert {name: problems for name, problems in found.items() if problems} == {}


# --- deliberately broken copies of declared resources -------------------------------------------------------


def setting(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(props: dict[str, Any]) -> None:
        target = props
        for key in path[:-1]:
            target = target.setdefault(key, {})
        if value is None:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = value

    return apply


def policy_change(field: str, change: Callable[[list[dict[str, Any]]], None]) -> Callable[[dict[str, Any]], None]:
    """Edits the statements of the JSON policy document in `field`."""

    def apply(props: dict[str, Any]) -> None:
        document = json.loads(props[field])
        change(document["Statement"])
        props[field] = json.dumps(document)

    return apply


def add_statement(statement: dict[str, Any]) -> Callable[[list[dict[str, Any]]], None]:
    return lambda statements: statements.append(statement)


def edit_statement(sid: str | None, **changes: Any) -> Callable[[list[dict[str, Any]]], None]:
    def apply(statements: list[dict[str, Any]]) -> None:
        (statement,) = [s for s in statements if s.get("Sid") == sid] if sid else statements[:1]
        for key, value in changes.items():
            if value is None:
                statement.pop(key, None)
            else:
                statement[key] = value

    return apply


@dataclass(frozen=True)
class Broken:
    rule: str
    why: str
    stack: str
    type: str
    name: str
    breaks: Callable[[dict[str, Any]], None]
    # Check the declared resource's props as another type (an IAM policy document as a managed policy).
    as_type: str | None = None


ANYWHERE = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["*"]}
BROKEN = [
    Broken("state-machine-logging", "standard-fatal-only", "dev", STATE_MACHINE, "checkout",
           setting("loggingConfiguration", "level", value="FATAL")),
    Broken("state-machine-logging", "express-errors-only", "prod", STATE_MACHINE, "order-validation",
           setting("loggingConfiguration", "level", value="ERROR")),
    Broken("state-machine-logging", "no-log-group", "dev", STATE_MACHINE, "checkout",
           setting("loggingConfiguration", "logDestination", value=None)),
    Broken("state-machine-tracing", "untraced", "dev", STATE_MACHINE, "order-validation",
           setting("tracingConfiguration", value=None)),
    Broken("state-machine-no-execution-data-in-prod", "execution-data", "prod", STATE_MACHINE, "checkout",
           setting("loggingConfiguration", "includeExecutionData", value=True)),
    Broken("state-machine-customer-managed-key-in-prod", "aws-owned-key", "prod", STATE_MACHINE, "checkout",
           setting("encryptionConfiguration", value={"type": "AWS_OWNED_KEY"})),
    Broken("lambda-tracing", "pass-through", "dev", FUNCTION, "process-payment",
           setting("tracingConfig", "mode", value="PassThrough")),
    Broken("lambda-supported-runtime", "deprecated", "prod", FUNCTION, "confirm-order",
           setting("runtime", value="python3.9")),
    Broken("lambda-no-secrets-in-environment", "password", "dev", FUNCTION, "refund-payment",
           setting("environment", "variables", "DB_PASSWORD", value="hunter2")),
    Broken("lambda-no-secrets-in-environment", "stripe-key", "prod", FUNCTION, "process-payment",
           setting("environment", "variables", "PROVIDER", value="sk_live_4eC39HqLyjWDarjtT1zdp7dc")),
    Broken("lambda-no-secrets-in-environment", "aws-key", "dev", FUNCTION, "validate-order",
           setting("environment", "variables", "UPSTREAM", value="AKIAIOSFODNN7EXAMPLE")),
    # Finding 4: prod accepting plaintext tokens (which would sit in the execution history for 90 days).
    Broken("lambda-no-plaintext-payment-tokens-in-prod", "accepted", "prod", FUNCTION, "validate-order",
           setting("environment", "variables", "ACCEPT_PLAINTEXT_PAYMENT_TOKENS", value="true")),
    Broken("lambda-no-plaintext-payment-tokens-in-prod", "anything-but-false", "prod", FUNCTION, "validate-order",
           setting("environment", "variables", "ACCEPT_PLAINTEXT_PAYMENT_TOKENS", value="yes")),
    # Finding 6: a layer from another account runs inside the function, with its role.
    Broken("lambda-layers-from-aws-publisher", "foreign-layer", "dev", FUNCTION, "process-payment",
           setting("layers", value=[FOREIGN_LAYER])),
    Broken("lambda-layers-from-aws-publisher", "one-more-layer", "prod", FUNCTION, "process-payment",
           lambda props: props["layers"].append(FOREIGN_LAYER.replace(":27", ":1"))),
    # Finding 5: a function without reservation shares the pool a flood can drain.
    Broken("lambda-reserved-concurrency", "unreserved", "dev", FUNCTION, "refund-payment",
           setting("reservedConcurrentExecutions", value=None)),
    Broken("lambda-reserved-concurrency", "unreserved-explicitly", "prod", FUNCTION, "release-inventory",
           setting("reservedConcurrentExecutions", value=-1)),
    # Finding 2: prod code signing.
    Broken("lambda-code-signing-in-prod", "unchecked-code", "prod", FUNCTION, "process-payment",
           setting("codeSigningConfigArn", value=None)),
    Broken("lambda-code-signing-enforced-in-prod", "only-warns", "prod", CODE_SIGNING_CONFIG, "code-signing-config",
           setting("policies", "untrustedArtifactOnDeployment", value="Warn")),
    Broken("sns-topic-kms-in-prod", "unencrypted", "prod", TOPIC, "alarms", setting("kmsMasterKeyId", value=None)),
    Broken("dynamodb-point-in-time-recovery", "off", "dev", TABLE, "orders",
           setting("pointInTimeRecovery", "enabled", value=False)),
    Broken("dynamodb-encryption", "unencrypted", "dev", TABLE, "payments",
           setting("serverSideEncryption", "enabled", value=False)),
    Broken("dynamodb-encryption", "aws-owned-key-in-prod", "prod", TABLE, "payments",
           setting("serverSideEncryption", "kmsKeyArn", value=None)),
    Broken("dynamodb-deletion-protection-in-prod", "deletable", "prod", TABLE, "idempotency",
           setting("deletionProtectionEnabled", value=False)),
    Broken("log-group-retention", "forever", "dev", LOG_GROUP, "checkout-logs",
           setting("retentionInDays", value=None)),
    Broken("log-group-retention", "a-month-in-prod", "prod", LOG_GROUP, "process-payment-logs",
           setting("retentionInDays", value=30)),
    Broken("log-group-kms-in-prod", "aws-owned-key", "prod", LOG_GROUP, "order-validation-logs",
           setting("kmsKeyId", value=None)),
    Broken("sqs-encryption", "unencrypted", "dev", QUEUE, "checkout-compensation-dlq",
           setting("sqsManagedSseEnabled", value=None)),
    Broken("sqs-encryption", "sse-sqs-in-prod", "prod", QUEUE, "checkout-compensation-dlq",
           lambda props: props.update(kmsMasterKeyId=None, sqsManagedSseEnabled=True)),
    Broken("iam-no-wildcard-actions-role-policy", "service-wildcard", "dev", ROLE_POLICY, "confirm-order-policy",
           policy_change("policy", add_statement({**ANYWHERE, "Action": ["dynamodb:*"], "Resource": ["arn:x"]}))),
    Broken("iam-no-wildcard-actions-role-policy", "not-action", "prod", ROLE_POLICY, "checkout-policy",
           policy_change("policy", add_statement({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"}))),
    Broken("iam-no-wildcard-actions-policy", "admin", "dev", ROLE_POLICY, "checkout-policy",
           policy_change("policy", add_statement({**ANYWHERE, "Action": "*"})), as_type=POLICY),
    Broken("iam-no-wildcard-actions-role", "inline-wildcard", "prod", ROLE, "checkout-role",
           setting("inlinePolicies", value=[{"name": "extra", "policy": json.dumps(
               {"Statement": [{**ANYWHERE, "Action": "s3:Get*"}]})}])),
    Broken("iam-wildcard-resources-only-where-required-role-policy", "table-anywhere", "dev", ROLE_POLICY,
           "process-payment-policy", policy_change("policy", add_statement(ANYWHERE))),
    Broken("iam-wildcard-resources-only-where-required-role-policy", "smuggled-into-xray", "prod", ROLE_POLICY,
           "reserve-inventory-policy",
           policy_change("policy", edit_statement("WriteTraces", Action=["xray:PutTraceSegments", "kms:Decrypt"]))),
    Broken("iam-wildcard-resources-only-where-required-policy", "not-resource", "prod", ROLE_POLICY,
           "checkout-policy", policy_change("policy", add_statement(
               {"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": "arn:x"})), as_type=POLICY),
    Broken("iam-wildcard-resources-only-where-required-role", "inline-anywhere", "dev", ROLE, "validate-order-role",
           setting("inlinePolicies", value=[{"name": "extra", "policy": json.dumps({"Statement": [ANYWHERE]})}])),
    Broken("iam-trust-against-confused-deputy", "unconditioned", "dev", ROLE, "process-payment-role",
           policy_change("assumeRolePolicy", edit_statement(None, Condition=None))),
    Broken("iam-trust-against-confused-deputy", "any-account", "prod", ROLE, "checkout-role",
           policy_change("assumeRolePolicy", edit_statement(None, Principal={"AWS": "*"}))),
    Broken("apigateway-method-authorized", "open", "dev", "aws:apigateway/method:Method", "checkout-api-start-checkout",
           setting("authorization", value="NONE")),
    Broken("apigateway-stage-access-logs-and-tracing", "unlogged", "prod", "aws:apigateway/stage:Stage",
           "checkout-api", setting("accessLogSettings", value=None)),
    Broken("apigateway-stage-access-logs-and-tracing", "untraced", "dev", "aws:apigateway/stage:Stage",
           "checkout-api", setting("xrayTracingEnabled", value=False)),
    Broken("kms-key-rotation", "never-rotated", "prod", KEY, "data", setting("enableKeyRotation", value=False)),
    Broken("kms-key-policy-least-privilege", "default-policy", "dev", KEY, "payment-token",
           setting("policy", value=None)),
    Broken("kms-key-policy-least-privilege", "anyone-may-unseal", "dev", KEY, "payment-token",
           policy_change("policy", edit_statement("UnsealOnlyInThePaymentStep", Condition=None))),
    Broken("kms-key-policy-least-privilege", "public", "prod", KEY, "data",
           policy_change("policy", edit_statement("ThroughSQS", Principal={"AWS": "*"}))),
    Broken("kms-key-policy-least-privilege", "root-may-do-anything", "prod", KEY, "data",
           policy_change("policy", edit_statement("KeyAdministration", Action="kms:*"))),
]


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: f"{case.rule}:{case.why}")
def test_every_rule_rejects_a_broken_resource(case: Broken, declared_stacks):
    declared = declared_stacks[case.stack].cloud.named(case.type, case.name)
    props = copy.deepcopy(declared.inputs)
    assert not RULES_BY_NAME[case.rule].violations(case.as_type or case.type, props, PolicyContext(case.stack))

    case.breaks(props)

    assert RULES_BY_NAME[case.rule].violations(case.as_type or case.type, props, PolicyContext(case.stack))


def test_every_rule_has_a_broken_case():
    assert {case.rule for case in BROKEN} == set(RULES_BY_NAME)


def test_prod_only_rules_let_dev_be_cheaper(declared_stacks):
    dev_table = declared_stacks["dev"].cloud.named(TABLE, "orders").inputs

    assert violations(TABLE, dev_table, "dev") == {}
    assert set(violations(TABLE, dev_table, "prod")) == {"dynamodb-encryption", "dynamodb-deletion-protection-in-prod"}


def test_the_pack_allows_exactly_the_stack_s_documented_wildcard_resources():
    assert set(WILDCARD_RESOURCE_ACTIONS) == iam.WILDCARD_RESOURCE_ACTIONS


def test_the_pack_trusts_exactly_the_layer_publisher_the_stack_config_accepts():
    assert {POWERTOOLS_PUBLISHER_ACCOUNT} == functions.TRUSTED_LAYER_PUBLISHERS


def test_prod_deployed_accepting_plaintext_tokens_is_refused(declare_stack):
    # Finding 4, as reported: nothing stopped `acceptPlaintextPaymentTokens: true` on prod. Now the pack does.
    accepting = declare_stack("prod", {"checkout-saga:acceptPlaintextPaymentTokens": "true"})
    context = PolicyContext("prod")

    refused = {
        (rule.name, resource.name)
        for resource in accepting.resources
        for rule in RULES
        if rule.violations(resource.type, resource.inputs, context)
    }

    assert refused == {("lambda-no-plaintext-payment-tokens-in-prod", "validate-order")}


# --- the CrossGuard side -------------------------------------------------------------------------------------


def validate_with_crossguard(rule_name: str, resource_type: str, props: dict[str, Any], config: dict[str, Any]):
    policy = resource_validation_policy(RULES_BY_NAME[rule_name])
    reported: list[str] = []
    args = ResourceValidationArgs(resource_type, props, "urn:pulumi:test::x::t::n", "n", None, None, config)
    policy.validate(args, lambda message, urn: reported.append(message))
    return policy, reported


def test_the_crossguard_policy_reports_each_violation_as_mandatory(declared_stacks):
    props = copy.deepcopy(declared_stacks["prod"].cloud.named(TABLE, "orders").inputs)
    props["deletionProtectionEnabled"] = False

    policy, reported = validate_with_crossguard(
        "dynamodb-deletion-protection-in-prod", TABLE, props, {"environment": "prod"}
    )

    assert reported == ["prod DynamoDB tables must have deletion protection enabled"]
    assert policy.enforcement_level == EnforcementLevel.MANDATORY
    assert "SecurityHub DynamoDB.6" in policy.description


def test_the_environment_comes_from_the_policy_config_then_the_stack_name_and_is_prod_otherwise(monkeypatch):
    assert PolicyContext.resolve({"environment": "dev"}, stack="prod") == PolicyContext("dev")
    assert PolicyContext.resolve({}, stack="dev") == PolicyContext("dev")
    assert PolicyContext.resolve({}, stack="staging") == PolicyContext("prod")
    monkeypatch.delenv("PULUMI_STACK", raising=False)
    assert PolicyContext.resolve({}) == PolicyContext("prod")
    with pytest.raises(ValueError, match="environment"):
        PolicyContext("qa")


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_stack_s_policy_config_sets_its_environment_for_every_rule(environment):
    config = json.loads((POLICY_DIR / "config" / f"{environment}.json").read_text())
    mandatory = MANDATORY_IN_PROD_CONFIG if environment == "prod" else set()

    assert config == {
        rule.name: {"environment": environment, **({"enforcementLevel": "mandatory"} if rule.name in mandatory else {})}
        for rule in RULES
    }


def test_the_pack_s_entry_point_registers_every_rule_as_mandatory(monkeypatch):
    built: list[dict[str, Any]] = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: built.append(kwargs))

    runpy.run_path(str(POLICY_DIR / "__main__.py"), run_name="__main__")

    (pack,) = built
    assert pack["name"] == "checkout-saga-security"
    assert pack["enforcement_level"] == EnforcementLevel.MANDATORY
    assert [policy.name for policy in pack["policies"]] == [rule.name for rule in RULES]
