"""The whole program under Pulumi mocks, for the dev and prod stacks: what `pulumi up` would create."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml
from statelint.linter import Linter

from components.iam import WILDCARD_RESOURCE_ACTIONS
from devstack.definitions import definition_problems
from devstack.program import PROJECT_DIR

FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
QUEUE = "aws:sqs/queue:Queue"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
HANDLERS = [
    "validate-order",
    "process-payment",
    "refund-payment",
    "reserve-inventory",
    "release-inventory",
    "confirm-order",
]


def config(stack_name: str) -> dict[str, str]:
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack_name}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: str(value) for key, value in document.items()}


def test_resource_inventory(declared_stack):
    counts = Counter(r.type for r in declared_stack.cloud.resources)
    prod = declared_stack.name == "prod"
    assert counts[FUNCTION] == 6
    assert counts[TABLE] == 4
    assert counts[STATE_MACHINE] == 3  # the saga, its rollback workflow, the validation
    assert counts[QUEUE] == 1
    assert counts[LOG_GROUP] == 10  # one per function and per state machine, the API's access logs
    # One role per function and per state machine, the API's two (integrations, account logging), the rollback
    # trigger's; prod adds AWS Backup's.
    assert counts[ROLE] == counts[ROLE_POLICY] == (13 if prod else 12)
    # The payment-token key everywhere; prod adds its at-rest key.
    assert counts[KEY] == counts[ALIAS] == (2 if prod else 1)
    # The alarm topic, the security events' rules (prod: the code-signing configuration's too), the rollback trigger.
    assert counts["aws:sns/topic:Topic"] == counts["aws:sns/topicPolicy:TopicPolicy"] == 1
    assert counts["aws:cloudwatch/eventRule:EventRule"] == counts["aws:cloudwatch/eventTarget:EventTarget"] == (
        4 if prod else 3
    )
    # Prod: code signing (one profile and configuration, a signed copy per function) and AWS Backup.
    assert counts["aws:lambda/codeSigningConfig:CodeSigningConfig"] == counts["aws:backup/plan:Plan"] == int(prod)
    assert counts["aws:signer/signingJob:SigningJob"] == (6 if prod else 0)
    assert counts["pulumi:providers:aws"] == 1
    # The operations alarms: the dead letters, 3 stopped/throttled checkout kinds, the technical failures of the
    # checkout and of the validation, 3 on the rollback, 2 per function, the business-failure surge.
    assert counts["aws:cloudwatch/metricAlarm:MetricAlarm"] == 1 + 3 + 2 + 3 + 2 * 6 + 1
    assert counts["aws:cloudwatch/logMetricFilter:LogMetricFilter"] == 3
    assert counts["aws:cloudwatch/dashboard:Dashboard"] == 1
    components = {t for t in counts if t.startswith("checkout:")}
    assert components == {
        "checkout:security:EncryptionKey",
        "checkout:data:Table",
        "checkout:data:IdempotencyTable",
        "checkout:compute:HandlerFunction",
        "checkout:workflow:SagaWorkflow",
        "checkout:workflow:ValidationWorkflow",
        "checkout:workflow:RollbackWorkflow",
        "checkout:operations:SagaAlarms",
        "checkout:operations:AlarmTopic",
        "checkout:security:SecurityEventAlarms",
        "checkout:api:CheckoutApi",
    } | (
        {"checkout:security:CodeSigning", "checkout:security:SignedCode", "checkout:data:TableBackup"}
        if prod
        else set()
    )


def test_idempotency_table_has_the_powertools_schema(declared_stack):
    table = declared_stack.cloud.named(TABLE, "idempotency")
    settings = config(declared_stack.name)
    assert table.inputs["hashKey"] == "id"
    assert table.inputs["attributes"] == [{"name": "id", "type": "S"}]
    assert table.inputs["ttl"] == {"attributeName": "expiration", "enabled": True}
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert table.inputs["serverSideEncryption"]["enabled"] is True
    assert table.inputs["pointInTimeRecovery"]["enabled"] is (settings["pointInTimeRecovery"] == "true")
    assert table.inputs["deletionProtectionEnabled"] is (settings["deletionProtection"] == "true")


def test_prod_is_stricter_than_dev(declared_stacks):
    dev, prod = config("dev"), config("prod")
    assert int(prod["logRetentionDays"]) > int(dev["logRetentionDays"])
    assert (prod["deletionProtection"], prod["pointInTimeRecovery"]) == ("true", "true")
    assert prod["includeExecutionData"] == "false"
    assert prod["logLevel"] in ("INFO", "WARNING", "ERROR")
    for table in declared_stacks["prod"].cloud.of_type(TABLE):
        assert table.inputs["deletionProtectionEnabled"] is True
        assert table.inputs["pointInTimeRecovery"]["enabled"] is True
    for group in declared_stacks["prod"].cloud.of_type(LOG_GROUP):
        assert group.inputs["retentionInDays"] == 365


def test_functions_are_configured_from_the_stack(declared_stack):
    settings = config(declared_stack.name)
    for name in HANDLERS:
        function = declared_stack.cloud.named(FUNCTION, name).inputs
        module = name.replace("-", "_")
        assert function["runtime"] == "python3.13"
        assert function["handler"] == f"{module}.lambda_handler"
        assert function["architectures"] == [settings["lambdaArchitecture"]]
        assert function["layers"] == [settings["powertoolsLayerArn"]]
        assert function["memorySize"] == int(settings["lambdaMemoryMb"])
        assert function["timeout"] == int(settings["lambdaTimeoutSeconds"])
        assert function["tracingConfig"] == {"mode": "Active"}
        assert function["loggingConfig"]["logFormat"] == "JSON"
        log_group = declared_stack.cloud.named(LOG_GROUP, f"{name}-logs").outputs
        assert function["loggingConfig"]["logGroup"] == log_group["name"] == f"/aws/lambda/{function['name']}"
        variables = function["environment"]["variables"]
        assert variables["POWERTOOLS_LOG_LEVEL"] == settings["logLevel"]
        assert variables["POWERTOOLS_SERVICE_NAME"] == "checkout"
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "CheckoutSaga"
        assert variables["PYDANTIC_DISABLE_PLUGINS"] == "__all__"  # no plugin scan in every cold start


def test_code_archive_holds_only_the_handler_and_the_domain_package(declared_stacks):
    archive = declared_stacks["dev"].cloud.named(FUNCTION, "process-payment").inputs["code"]
    names = sorted(archive.assets)
    assert "checkout_domain/__init__.py" in names
    assert "process_payment.py" in names
    # Bytecode of Lambda's Python only (when the deploying machine has it), next to its source: this machine's
    # own caches never travel.
    bytecode = [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert all(n.endswith(".cpython-313.pyc") for n in bytecode)
    assert all(n.replace("__pycache__/", "").replace(".cpython-313.pyc", ".py") in names for n in bytecode)
    others = {"validate_order.py", "refund_payment.py", "reserve_inventory.py", "confirm_order.py"}
    assert not others & set(names)


def table_arn(stack, name: str) -> str:
    return stack.cloud.named(TABLE, name).outputs["arn"]


def dynamodb_grants(stack, function: str) -> dict[str, set[str]]:
    policy = stack.cloud.named(ROLE_POLICY, f"{function}-policy")
    grants: dict[str, set[str]] = {}
    for statement in policy.policy_statements():
        if any(a.startswith("dynamodb:") for a in statement["Action"]):
            for resource in statement["Resource"]:
                grants.setdefault(resource, set()).update(statement["Action"])
    return grants


def test_each_function_may_do_exactly_what_its_code_does(declared_stack):
    tables = {n: table_arn(declared_stack, n) for n in ("idempotency", "payments", "inventory", "orders")}
    idempotency = {"GetItem", "PutItem", "UpdateItem", "DeleteItem"}
    # What each handler's code calls (see handlers/checkout_domain), table by table.
    expected = {
        "validate-order": {},
        "process-payment": {
            "orders": {"GetItem", "PutItem", "UpdateItem"},
            "payments": {"PutItem", "UpdateItem"},
            "idempotency": idempotency,
        },
        "refund-payment": {
            "orders": {"UpdateItem"},
            "payments": {"GetItem", "PutItem", "UpdateItem"},
            "idempotency": idempotency,
        },
        "reserve-inventory": {"inventory": {"PutItem", "UpdateItem"}, "idempotency": idempotency},
        "release-inventory": {
            "orders": {"UpdateItem"},
            "inventory": {"GetItem", "PutItem", "UpdateItem"},
            "idempotency": idempotency,
        },
        "confirm-order": {"orders": {"UpdateItem"}, "idempotency": idempotency},
    }
    for function, grants in expected.items():
        actual = dynamodb_grants(declared_stack, function)
        assert actual == {tables[t]: {f"dynamodb:{a}" for a in actions} for t, actions in grants.items()}, function


def test_no_wildcard_actions_and_only_documented_wildcard_resources(declared_stack):
    for policy in declared_stack.cloud.of_type(ROLE_POLICY):
        for statement in policy.policy_statements():
            assert statement["Effect"] == "Allow"
            assert not [a for a in statement["Action"] if "*" in a], policy.name
            if "*" in statement["Resource"]:
                assert statement["Resource"] == ["*"]
                undocumented = [a for a in statement["Action"] if a not in WILDCARD_RESOURCE_ACTIONS]
                assert undocumented == [], f"{policy.name}: {undocumented}"


def test_trust_policies_are_scoped_to_this_account(declared_stack):
    account_id = declared_stack.cloud.account_id
    for role in declared_stack.cloud.of_type(ROLE):
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        service = statement["Principal"]["Service"]
        services = ("lambda.amazonaws.com", "states.amazonaws.com", "backup.amazonaws.com", "apigateway.amazonaws.com",
                    "events.amazonaws.com")
        assert service in services
        # AWS Backup and API Gateway document no confused-deputy key for assuming their roles: checked whenever
        # they send one.
        unsent = ("backup.amazonaws.com", "apigateway.amazonaws.com")
        operator = "StringEqualsIfExists" if service in unsent else "StringEquals"
        assert statement["Condition"][operator]["aws:SourceAccount"] == account_id
        if service == "states.amazonaws.com":
            assert statement["Condition"]["ArnLike"]["aws:SourceArn"].startswith(
                f"arn:aws:states:eu-west-1:{account_id}:stateMachine:checkout-saga-"
            )


def test_saga_role_invokes_only_its_functions_and_sends_only_to_its_queue(declared_stack):
    cloud = declared_stack.cloud
    statements = {s["Sid"]: s for s in cloud.named(ROLE_POLICY, "checkout-policy").policy_statements()}
    # The versions this deployment published, which its definition invokes (tests/program/test_versions.py).
    function_arns = {cloud.named(FUNCTION, n).outputs["qualifiedArn"] for n in HANDLERS}
    assert statements["InvokeOwnFunctions"]["Action"] == ["lambda:InvokeFunction"]
    assert set(statements["InvokeOwnFunctions"]["Resource"]) == function_arns
    queue = cloud.of_type(QUEUE)[0]
    assert statements["EscalateToOwnDeadLetterQueue"] == {
        "Sid": "EscalateToOwnDeadLetterQueue",
        "Effect": "Allow",
        "Action": ["sqs:SendMessage"],
        "Resource": [queue.outputs["arn"]],
    }
    validation = {s["Sid"]: s for s in cloud.named(ROLE_POLICY, "order-validation-policy").policy_statements()}
    assert validation["InvokeOwnFunction"]["Resource"] == [
        cloud.named(FUNCTION, "validate-order").outputs["qualifiedArn"]
    ]


def test_state_machines_log_and_trace_per_stack_config(declared_stack):
    settings = config(declared_stack.name)
    levels = {"checkout": settings["standardLogLevel"], "order-validation": settings["expressLogLevel"]}
    types = {"checkout": "STANDARD", "order-validation": "EXPRESS"}
    for name in ("checkout", "order-validation"):
        machine = declared_stack.cloud.named(STATE_MACHINE, name).inputs
        log_group = declared_stack.cloud.named(LOG_GROUP, f"{name}-logs").outputs
        assert machine["type"] == types[name]
        assert machine["tracingConfiguration"] == {"enabled": True}
        logging = machine["loggingConfiguration"]
        assert logging["level"] == levels[name]
        assert logging["includeExecutionData"] is (settings["includeExecutionData"] == "true")
        assert logging["logDestination"] == f"{log_group['arn']}:*"
        assert log_group["name"].startswith("/aws/vendedlogs/states/")


def test_deployed_definitions_are_valid_and_wired_to_the_deployed_resources(declared_stack):
    saga = json.loads(declared_stack.cloud.named(STATE_MACHINE, "checkout").inputs["definition"])
    validation = json.loads(declared_stack.cloud.named(STATE_MACHINE, "order-validation").inputs["definition"])
    assert Linter.validate(saga) == [] and Linter.validate(validation) == []
    assert definition_problems(saga) == [] and definition_problems(validation) == []
    # JSONata unless the stack's config chooses JSONPath (test_a_stack_may_write_its_workflows_in_jsonpath).
    assert saga["QueryLanguage"] == validation["QueryLanguage"] == "JSONata"
    states = saga["States"]
    process_payment_arn = declared_stack.cloud.named(FUNCTION, "process-payment").outputs["qualifiedArn"]
    assert states["ProcessPayment"]["Resource"] == process_payment_arn
    assert states["ReserveInventory"]["Catch"][0] == {
        "ErrorEquals": ["InventoryDepletedException"],
        "Next": "RefundPayment",
        "Assign": {"failure": "{% $states.errorOutput %}"},
    }
    assert states["ReleaseInventory"]["Next"] == "RefundPayment"
    assert states["EscalateRefundPayment"]["Arguments"]["QueueUrl"] == declared_stack.outputs["deadLetterQueueUrl"]
    validate_arn = declared_stack.cloud.named(FUNCTION, "validate-order").outputs["qualifiedArn"]
    assert states["ValidateOrder"]["Resource"] == validation["States"]["ValidateOrder"]["Resource"] == validate_arn
    timeout = int(config(declared_stack.name)["lambdaTimeoutSeconds"])
    assert all(
        s["TimeoutSeconds"] > timeout for s in states.values() if s.get("Resource", "").startswith("arn:aws:lambda")
    )


WORKFLOWS = ("checkout", "checkout-rollback", "order-validation")


def test_a_stack_may_write_its_workflows_in_jsonpath(declare_stack):
    cloud = declare_stack("dev", {"checkout-saga:queryLanguage": "JSONPath"}).cloud
    definitions = [json.loads(cloud.named(STATE_MACHINE, name).inputs["definition"]) for name in WORKFLOWS]
    assert all("QueryLanguage" not in d and definition_problems(d) == [] for d in definitions)
    saga = definitions[0]["States"]
    assert saga["ReserveInventory"]["Catch"][0]["ResultPath"] == "$.failure"
    assert saga["ProcessPayment"]["Parameters"] == {"order.$": "$.order", "results.$": "$.results"}


def test_an_unknown_query_language_fails_naming_the_key(declare_stack):
    with pytest.raises(Exception, match=r"config queryLanguage='JSONPATH' must be one of \('JSONata', 'JSONPath'\)"):
        declare_stack("dev", {"checkout-saga:queryLanguage": "JSONPATH"})


def test_stack_outputs(declared_stack):
    outputs = declared_stack.outputs
    assert set(outputs) == {
        "checkoutAliasArn",
        "orderValidationAliasArn",
        "checkoutStateMachineArn",
        "orderValidationStateMachineArn",
        "deadLetterQueueUrl",
        "idempotencyTableName",
        "paymentsTableName",
        "inventoryTableName",
        "ordersTableName",
        "paymentTokenKeyArn",
        "alarmTopicArn",
        "checkoutApiUrl",
        "rollbackStateMachineArn",
        "rollbackAliasArn",
    }
    cloud = declared_stack.cloud
    assert outputs["checkoutStateMachineArn"] == cloud.named(STATE_MACHINE, "checkout").outputs["arn"]
    assert outputs["orderValidationStateMachineArn"] == cloud.named(STATE_MACHINE, "order-validation").outputs["arn"]
    assert outputs["idempotencyTableName"] == cloud.named(TABLE, "idempotency").outputs["name"]


def test_retry_cap_override_shortens_waits_without_removing_attempts(declared_stacks, declare_stack):
    capped_stack = declare_stack("dev", {"checkout-saga:retryMaxDelaySeconds": "1"})
    normal = json.loads(declared_stacks["dev"].cloud.named(STATE_MACHINE, "checkout").inputs["definition"])["States"]
    capped = json.loads(capped_stack.cloud.named(STATE_MACHINE, "checkout").inputs["definition"])["States"]
    for name, state in normal.items():
        for before, after in zip(state.get("Retry", []), capped[name].get("Retry", []), strict=True):
            if before["JitterStrategy"] == "NONE":  # waits out a killed attempt's lock: never shortened
                assert after == before
                continue
            assert after["MaxDelaySeconds"] == 1
            assert {k: v for k, v in after.items() if k != "MaxDelaySeconds"} == {
                k: v for k, v in before.items() if k != "MaxDelaySeconds"
            }


def test_the_pivot_and_compensations_wait_out_a_killed_invocation(declared_stack):
    states = json.loads(declared_stack.cloud.named(STATE_MACHINE, "checkout").inputs["definition"])["States"]
    timeout = int(config(declared_stack.name)["lambdaTimeoutSeconds"])
    for name in ("ConfirmOrder", "RefundPayment", "ReleaseInventory"):
        first = states[name]["Retry"][0]
        assert first["ErrorEquals"] == ["TransientError"] and first["JitterStrategy"] == "NONE"
        assert first["IntervalSeconds"] * first["MaxAttempts"] > timeout, name


def test_the_saga_times_out_after_its_configured_limit_which_outlasts_its_slowest_healthy_run(declared_stack):
    from asl.durations import worst_case_seconds

    saga = json.loads(declared_stack.cloud.named(STATE_MACHINE, "checkout").inputs["definition"])
    assert saga["TimeoutSeconds"] == int(config(declared_stack.name)["sagaTimeoutSeconds"])
    assert worst_case_seconds(saga) < saga["TimeoutSeconds"]


def test_a_saga_timeout_shorter_than_its_retries_allow_fails_naming_the_key(declare_stack):
    with pytest.raises(Exception, match="config sagaTimeoutSeconds=600 is shorter than"):
        declare_stack("dev", {"checkout-saga:sagaTimeoutSeconds": "600"})
