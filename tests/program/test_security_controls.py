"""The controls of issue #20, as the program declares them for dev and prod. Each finding was first reproduced here
against the program as it was (the test failed), then fixed:

2. only the ProcessPayment *function* can unseal (not any function given its role); prod runs signed code only;
   changes to the keys and to that function alarm; the keys (and prod's tables) are protected from `pulumi destroy`;
5. every function reserves concurrency, so the compensations keep capacity a validation flood cannot take;
8. every resource carries the default tags, through the one tagged provider; prod's domain tables are backed up.

(4, a plaintext-accepting prod, and 6, a foreign layer, are refused by the policy pack and the stack config: see
tests/policy and tests/components/test_stack_config.py.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from devstack.program import PROJECT_DIR, run_program

FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
PROVIDER = "pulumi:providers:aws"
CODE_SIGNING_CONFIG = "aws:lambda/codeSigningConfig:CodeSigningConfig"
SIGNING_PROFILE = "aws:signer/signingProfile:SigningProfile"
SIGNING_JOB = "aws:signer/signingJob:SigningJob"
BUCKET_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
FUNCTIONS = ("validate-order", "process-payment", "reserve-inventory", "release-inventory", "refund-payment",
             "confirm-order")
COMPENSATIONS = ("refund-payment", "release-inventory")
PURPOSE = {"kms:EncryptionContext:purpose": "checkout-payment-token"}


def stack_file(stack: str) -> dict[str, Any]:
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in document.items()}


def statements(document: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(document)["Statement"]}


# --- 2. only the ProcessPayment function unseals ------------------------------------------------------------


def test_only_the_payment_function_may_unseal_not_any_function_given_its_role(declared_stack):
    cloud = declared_stack.cloud
    token_key = cloud.named(KEY, "payment-token")
    function_arn = cloud.named(FUNCTION, "process-payment").outputs["arn"]
    decrypt_grants = [
        (policy.name, statement)
        for policy in cloud.of_type(ROLE_POLICY)
        for statement in policy.policy_statements()
        if "kms:Decrypt" in statement["Action"] and token_key.outputs["arn"] in statement["Resource"]
    ]

    # The one IAM grant to decrypt with the token key holds only for calls made from inside ProcessPayment: Lambda
    # sets lambda:SourceFunctionArn on every call made with a function's execution-role credentials.
    assert [name for name, _ in decrypt_grants] == ["process-payment-policy"]
    assert decrypt_grants[0][1]["Condition"] == {
        "StringEquals": PURPOSE,
        "ArnEquals": {"lambda:SourceFunctionArn": function_arn},
    }
    # The key policy names the account, so that grant is needed as well as the key policy's own conditions (the
    # role, the purpose). lambda:SourceFunctionArn itself cannot go there: AWS evaluates it in identity policies
    # and SCPs only, and a key policy condition on it would lock ProcessPayment out.
    unseal = statements(token_key.inputs["policy"])["UnsealOnlyInThePaymentStep"]
    assert unseal["Principal"] == {"AWS": f"arn:aws:iam::{cloud.account_id}:root"}
    assert unseal["Condition"]["StringEquals"] == PURPOSE
    assert "lambda:SourceFunctionArn" not in token_key.inputs["policy"]


def test_prod_runs_only_code_its_own_profile_signed_and_dev_deploys_its_archives(declared_stacks):
    prod = declared_stacks["prod"].cloud
    (config,) = prod.of_type(CODE_SIGNING_CONFIG)
    (profile,) = prod.of_type(SIGNING_PROFILE)
    assert config.inputs["policies"] == {"untrustedArtifactOnDeployment": "Enforce"}
    assert config.inputs["allowedPublishers"] == {"signingProfileVersionArns": [profile.outputs["versionArn"]]}
    for function in prod.of_type(FUNCTION):
        assert function.inputs["codeSigningConfigArn"] == config.outputs["arn"], function.name
        assert "code" not in function.inputs
        unsigned = prod.named(BUCKET_OBJECT, f"{function.name}-code-unsigned")
        assert f"{function.name.replace('-', '_')}.py" in unsigned.inputs["source"].assets  # its own archive
        job = prod.named(SIGNING_JOB, f"{function.name}-code-signing")
        assert job.inputs["source"]["s3"]["version"] == unsigned.outputs["versionId"]
        (signed,) = job.outputs["signedObjects"][0]["s3s"]
        assert (function.inputs["s3Bucket"], function.inputs["s3Key"]) == (signed["bucket"], signed["key"])

    dev = declared_stacks["dev"].cloud
    assert not dev.of_type(CODE_SIGNING_CONFIG) and not dev.of_type(SIGNING_JOB)
    assert all("code" in f.inputs and "codeSigningConfigArn" not in f.inputs for f in dev.of_type(FUNCTION))


def test_changes_to_the_keys_and_to_the_unsealing_function_alarm_on_the_stack_topic(declared_stack):
    cloud = declared_stack.cloud
    prod = declared_stack.name == "prod"
    topic = cloud.named(TOPIC, "alarms")
    # The security rules (the rollback's trigger starts a state machine: tests/program/test_operations.py).
    rules = {rule.name: rule for rule in cloud.of_type(RULE) if rule.name != "checkout-rollback-trigger"}
    assert set(rules) == {"key-changes", "unsealing-function-changes"} | ({"code-signing-changes"} if prod else set())

    keys = cloud.of_type(KEY)
    key_pattern = json.loads(rules["key-changes"].inputs["eventPattern"])
    assert key_pattern["detail"]["eventName"] == ["DisableKey", "PutKeyPolicy", "ScheduleKeyDeletion"]
    assert set(key_pattern["detail"]["requestParameters"]["keyId"]) == {
        *(key.outputs["keyId"] for key in keys),
        *(key.outputs["arn"] for key in keys),
    }
    function_pattern = json.loads(rules["unsealing-function-changes"].inputs["eventPattern"])
    assert function_pattern["detail"]["requestParameters"]["functionName"][0] == (
        cloud.named(FUNCTION, "process-payment").outputs["name"]
    )
    if prod:
        code_signing_pattern = json.loads(rules["code-signing-changes"].inputs["eventPattern"])
        assert code_signing_pattern["detail"]["requestParameters"]["codeSigningConfigArn"] == [
            cloud.of_type(CODE_SIGNING_CONFIG)[0].outputs["arn"]
        ]
    security_targets = [t for t in cloud.of_type(TARGET) if t.name != "checkout-rollback-trigger-to-rollback"]
    targets = {(t.inputs["rule"], t.inputs["arn"]) for t in security_targets}
    assert targets == {(rule.outputs["name"], topic.outputs["arn"]) for rule in rules.values()}

    # Only these rules may publish (EventBridge names the rule that matched).
    # (and the operations alarms, through CloudWatch: tests/program/test_operations.py)
    publish, _alarms = json.loads(cloud.named(TOPIC_POLICY, "alarms-policy").inputs["policy"])["Statement"]
    assert publish["Principal"] == {"Service": "events.amazonaws.com"} and publish["Action"] == "sns:Publish"
    assert publish["Resource"] == topic.outputs["arn"]
    rule_arns = sorted(rule.outputs["arn"] for rule in rules.values())
    assert sorted(publish["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns
    assert declared_stack.outputs["alarmTopicArn"] == topic.outputs["arn"]


def test_prod_encrypts_the_alarm_topic_with_its_key_which_lets_eventbridge_publish_to_that_topic_only(declared_stacks):
    prod = declared_stacks["prod"].cloud
    topic = prod.named(TOPIC, "alarms")
    data_key = prod.named(KEY, "data")
    assert topic.inputs["kmsMasterKeyId"] == data_key.outputs["arn"]
    eventbridge = statements(data_key.inputs["policy"])["EventBridgeToTheStackAlarmTopics"]
    assert eventbridge["Principal"] == {"Service": "events.amazonaws.com"}
    assert eventbridge["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    context = {"kms:EncryptionContext:aws:sns:topicArn": [topic.outputs["arn"]]}
    assert eventbridge["Condition"] == {"StringEquals": context}
    assert "kmsMasterKeyId" not in declared_stacks["dev"].cloud.named(TOPIC, "alarms").inputs


def test_the_keys_are_protected_everywhere_and_the_tables_in_prod(declared_stack):
    cloud = declared_stack.cloud
    protected = {(r.type, r.name) for r in cloud.resources if r.protect and r.type.startswith("aws:")}
    keys = {(KEY, key.name) for key in cloud.of_type(KEY)}
    tables = {(TABLE, table.name) for table in cloud.of_type(TABLE)}

    assert keys and tables
    assert protected == (keys | tables if declared_stack.name == "prod" else keys)


# --- 5. starvation --------------------------------------------------------------------------------------------


def test_every_function_reserves_concurrency_and_the_compensations_keep_capacity_validation_cannot_take(
    declared_stack,
):
    reservations = stack_file(declared_stack.name)["reservedConcurrency"]
    declared = {f.name: f.inputs.get("reservedConcurrentExecutions") for f in declared_stack.cloud.of_type(FUNCTION)}

    assert declared == {function: reservations[function] for function in FUNCTIONS}
    # Reserved for them alone, whatever else runs; and the validation flood stops at its own reservation.
    assert all(declared[function] >= 1 for function in COMPENSATIONS)
    assert declared["validate-order"] >= 1


def test_a_compensation_without_reserved_capacity_is_refused_before_anything_is_created(new_fake_cloud):
    cloud = new_fake_cloud()
    reservations = {**stack_file("prod")["reservedConcurrency"], "refund-payment": 0}

    with pytest.raises(ValueError, match=r"reservedConcurrency\.refund-payment must be at least 1"):
        run_program(cloud, "prod", config_overrides={"checkout-saga:reservedConcurrency": json.dumps(reservations)})
    assert cloud.resources == []


# --- 8. tags and backups --------------------------------------------------------------------------------------


def test_every_resource_is_created_through_the_one_tagged_provider(declared_stack):
    cloud = declared_stack.cloud
    (provider,) = cloud.of_type(PROVIDER)
    default_tags = provider.inputs["defaultTags"]
    if isinstance(default_tags, str):  # provider SDKs pass structured provider inputs as JSON text
        default_tags = json.loads(default_tags)
    owner = stack_file(declared_stack.name)["owner"]

    assert default_tags == {"tags": {"application": "checkout-saga", "stack": declared_stack.name, "owner": owner}}
    assert provider.inputs["region"] == cloud.region
    # "<the provider's URN>::<its id>"; the URN's type part names its parent's type first (pulumi:pulumi:Stack$...).
    reference = f"pulumi:providers:aws::aws::{provider.outputs['name']}-id"
    resources = [r for r in cloud.resources if r.type.startswith("aws:")]
    assert len(resources) >= 45  # dev has the fewest
    assert [r.name for r in resources if not (r.provider or "").endswith(reference)] == []


def test_prod_backs_up_the_domain_tables_daily_into_a_vault_under_its_key(declared_stacks):
    prod = declared_stacks["prod"].cloud
    data_key = prod.named(KEY, "data").outputs["arn"]
    (vault,) = prod.of_type(VAULT)
    (plan,) = prod.of_type(PLAN)
    (selection,) = prod.of_type(SELECTION)
    role = prod.named(ROLE, "domain-tables-role")
    domain_tables = [prod.named(TABLE, name).outputs["arn"] for name in ("payments", "inventory", "orders")]

    assert vault.inputs["kmsKeyArn"] == data_key
    (rule,) = plan.inputs["rules"]
    assert rule == {
        "ruleName": "daily",
        "targetVaultName": vault.outputs["name"],
        "schedule": "cron(0 3 * * ? *)",
        "lifecycle": {"deleteAfter": int(stack_file("prod")["backupRetentionDays"])},
    }
    assert selection.inputs["planId"] == f"{plan.outputs['name']}-id"
    assert selection.inputs["iamRoleArn"] == role.outputs["arn"]
    assert selection.inputs["resources"] == domain_tables  # not the idempotency table: a cache of step results
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert trust["Condition"] == {"StringEqualsIfExists": {"aws:SourceAccount": prod.account_id}}
    grants = statements(prod.named(ROLE_POLICY, "domain-tables-policy").inputs["policy"])
    assert grants["BackUpTheSelectedTables"]["Resource"] == domain_tables
    assert grants["ExpireTheirBackups"]["Resource"] == [f"{arn}/backup/*" for arn in domain_tables]
    assert grants["StoreInOwnVault"]["Resource"] == [vault.outputs["arn"]]
    assert {s["Resource"][0] for sid, s in grants.items() if s["Action"][0].startswith("kms:")} == {data_key}
    assert "ThroughBackup" in statements(prod.named(KEY, "data").inputs["policy"])

    dev = declared_stacks["dev"].cloud
    assert not (dev.of_type(VAULT) or dev.of_type(PLAN) or dev.of_type(SELECTION))
