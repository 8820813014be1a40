"""Encryption at rest and the two key policies, as the program declares them for dev and prod."""

from __future__ import annotations

import json
from typing import Any

from devstack.archives import archive_to_zip

TABLE = "aws:dynamodb/table:Table"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
QUEUE = "aws:sqs/queue:Queue"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
ROLE = "aws:iam/role:Role"
FUNCTION = "aws:lambda/function:Function"
MAX_CODE_ARCHIVE_BYTES = 100_000


def key_statements(stack: Any, key: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(stack.cloud.named(KEY, key).inputs["policy"])["Statement"]}


def arns(stack: Any, typ: str) -> set[str]:
    return {r.outputs["arn"] for r in stack.cloud.of_type(typ)}


def root(stack: Any) -> str:
    """The stack's account root principal."""
    return f"arn:aws:iam::{stack.cloud.account_id}:root"


def test_prod_encrypts_everything_it_stores_with_its_own_rotated_key(declared_stacks):
    prod = declared_stacks["prod"]
    key = prod.cloud.named(KEY, "data")
    data_key = key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True and key.inputs["rotationPeriodInDays"] == 365
    assert prod.cloud.named(ALIAS, "data-alias").inputs["name"] == "alias/checkout-saga-data-prod"
    assert {t.inputs["serverSideEncryption"]["kmsKeyArn"] for t in prod.cloud.of_type(TABLE)} == {data_key}
    assert {g.inputs["kmsKeyId"] for g in prod.cloud.of_type(LOG_GROUP)} == {data_key}
    (queue,) = prod.cloud.of_type(QUEUE)
    assert queue.inputs["kmsMasterKeyId"] == data_key and "sqsManagedSseEnabled" not in queue.inputs
    for machine in prod.cloud.of_type(STATE_MACHINE):
        assert machine.inputs["encryptionConfiguration"] == {
            "type": "CUSTOMER_MANAGED_KMS_KEY",
            "kmsKeyId": data_key,
            "kmsDataKeyReusePeriodSeconds": 300,
        }


def test_dev_stores_with_aws_owned_keys_and_has_no_at_rest_key(declared_stacks):
    dev = declared_stacks["dev"]
    assert [k.name for k in dev.cloud.of_type(KEY)] == ["payment-token"]
    assert all("kmsKeyArn" not in t.inputs["serverSideEncryption"] for t in dev.cloud.of_type(TABLE))
    assert all("kmsKeyId" not in g.inputs for g in dev.cloud.of_type(LOG_GROUP))
    assert dev.cloud.of_type(QUEUE)[0].inputs["sqsManagedSseEnabled"] is True
    assert all("encryptionConfiguration" not in m.inputs for m in dev.cloud.of_type(STATE_MACHINE))


def test_the_at_rest_key_serves_exactly_the_stack_s_services_and_resources(declared_stacks):
    prod = declared_stacks["prod"]
    region, account_id = prod.cloud.region, prod.cloud.account_id
    statements = key_statements(prod, "data")
    assert set(statements) == {
        "KeyAdministration",
        "CloudWatchLogsForTheStackLogGroups",
        "LogDeliveryForTheStackStateMachines",
        "ThroughDynamoDB",
        "ThroughSQS",
        "ThroughStepFunctionsForTheStackStateMachines",
        "StateMachineLogDelivery",
        "EventBridgeToTheStackAlarmTopics",
        "CloudWatchAlarmsToTheStackAlarmTopics",
        "ThroughBackup",
    }
    logs = statements["CloudWatchLogsForTheStackLogGroups"]
    assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
    assert set(logs["Condition"]["StringEquals"]["kms:EncryptionContext:aws:logs:arn"]) == arns(prod, LOG_GROUP)
    for sid, service in (("ThroughDynamoDB", "dynamodb"), ("ThroughSQS", "sqs")):
        assert statements[sid]["Principal"] == {"AWS": root(prod)}
        assert statements[sid]["Condition"]["StringEquals"] == {
            "kms:ViaService": f"{service}.{region}.amazonaws.com",
            "kms:CallerAccount": account_id,
        }
    machines = statements["ThroughStepFunctionsForTheStackStateMachines"]["Condition"]["StringEquals"]
    assert machines["kms:ViaService"] == f"states.{region}.amazonaws.com"
    assert set(machines["kms:EncryptionContext:aws:states:stateMachineArn"]) == arns(prod, STATE_MACHINE)
    for sid, service in (("EventBridgeToTheStackAlarmTopics", "events"), ("CloudWatchAlarmsToTheStackAlarmTopics",
                                                                          "cloudwatch")):
        assert statements[sid]["Principal"] == {"Service": f"{service}.amazonaws.com"}
        topics = statements[sid]["Condition"]["StringEquals"]
        assert set(topics["kms:EncryptionContext:aws:sns:topicArn"]) == arns(prod, "aws:sns/topic:Topic")
    assert statements["ThroughBackup"]["Principal"] == {"AWS": root(prod)}
    assert statements["ThroughBackup"]["Condition"]["StringEquals"] == {
        "kms:ViaService": f"backup.{region}.amazonaws.com",
        "kms:CallerAccount": account_id,
    }


def test_key_administrators_cannot_use_the_keys(declared_stacks):
    for stack in declared_stacks.values():
        for key in stack.cloud.of_type(KEY):
            administration = key_statements(stack, key.name)["KeyAdministration"]
            assert administration["Principal"] == {"AWS": root(stack)}
            assert not [a for a in administration["Action"] if a.split(":")[1].startswith(
                ("Encrypt", "Decrypt", "GenerateDataKey", "ReEncrypt", "CreateGrant")
            )]


def test_only_the_payment_step_s_role_may_unseal_tokens(declared_stack):
    unseal = key_statements(declared_stack, "payment-token")["UnsealOnlyInThePaymentStep"]
    process_payment_role = declared_stack.cloud.named(ROLE, "process-payment-role").outputs["arn"]

    assert unseal["Action"] == ["kms:Decrypt"]
    assert unseal["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [process_payment_role]
    assert unseal["Condition"]["StringEquals"] == {"kms:EncryptionContext:purpose": "checkout-payment-token"}
    # Anyone in the account with an IAM grant may seal (the checkout backend does), for this purpose only.
    seal = key_statements(declared_stack, "payment-token")["SealPaymentTokens"]
    assert seal["Action"] == ["kms:GenerateDataKey"]
    assert seal["Condition"] == {"StringEquals": {"kms:EncryptionContext:purpose": "checkout-payment-token"}}


def test_trust_policies_name_one_service_and_this_account_and_state_machines_their_own_arn(declared_stack):
    machines = {m.name: m.outputs["arn"] for m in declared_stack.cloud.of_type(STATE_MACHINE)}
    rules = {r.name: r.outputs["arn"] for r in declared_stack.cloud.of_type("aws:cloudwatch/eventRule:EventRule")}
    for role in declared_stack.cloud.of_type(ROLE):
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Action"] == "sts:AssumeRole"
        workflow = role.name.removesuffix("-role")
        if statement["Principal"] == {"Service": "backup.amazonaws.com"}:
            continue  # AWS Backup's role (prod): tests/program/test_security_controls.py
        if statement["Principal"] == {"Service": "apigateway.amazonaws.com"}:
            continue  # the checkout API's roles: tests/program/test_checkout_api.py
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": declared_stack.cloud.account_id}
        if workflow in machines:
            assert statement["Principal"] == {"Service": "states.amazonaws.com"}
            assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": machines[workflow]}
        elif workflow in rules:  # the rollback trigger: only its own rule may assume it
            assert statement["Principal"] == {"Service": "events.amazonaws.com"}
            assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": rules[workflow]}
        else:
            # Lambda documents no aws:SourceArn for execution roles (docs/security.md).
            assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
            assert set(statement["Condition"]) == {"StringEquals"}


def test_every_function_environment_names_the_token_key_only_where_its_code_uses_it(declared_stack):
    token_key = declared_stack.cloud.named(KEY, "payment-token").outputs["arn"]
    users = {
        f.name for f in declared_stack.cloud.of_type(FUNCTION)
        if f.inputs["environment"]["variables"].get("PAYMENT_TOKEN_KEY_ARN") == token_key
    }
    assert users == ({"process-payment", "validate-order"} if declared_stack.name == "dev" else {"process-payment"})


def test_code_archives_stay_small(declared_stacks):
    # Dependencies (powertools with the Encryption SDK, pydantic) come from the powertools layer.
    for function in declared_stacks["dev"].cloud.of_type(FUNCTION):
        size = len(archive_to_zip(function.inputs["code"]))
        assert size <= MAX_CODE_ARCHIVE_BYTES, (function.name, size)


def test_role_names_are_their_function_s_so_key_policies_can_name_them(declared_stack):
    roles = {r.name: r for r in declared_stack.cloud.of_type(ROLE)}
    for function in declared_stack.cloud.of_type(FUNCTION):
        assert roles[f"{function.name}-role"].inputs["name"] == function.inputs["name"]
