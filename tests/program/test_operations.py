"""The rollback workflow and its trigger, as the program declares them for dev and prod."""

from __future__ import annotations

import json

from asl.checkout_saga import CHECKOUT_SAGA
from asl.rollback_builder import build_rollback_definition

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
FUNCTION = "aws:lambda/function:Function"
QUEUE = "aws:sqs/queue:Queue"


def statements(cloud, policy_name: str) -> dict[str, dict]:
    return {s["Sid"]: s for s in cloud.named(ROLE_POLICY, policy_name).policy_statements()}


def test_the_rollback_is_a_standard_machine_generated_from_the_saga_and_logged_like_it(declared_stack):
    cloud = declared_stack.cloud
    rollback = cloud.named(STATE_MACHINE, "checkout-rollback")
    saga = cloud.named(STATE_MACHINE, "checkout")
    assert rollback.inputs["type"] == saga.inputs["type"] == "STANDARD"
    arns = {f: cloud.named(FUNCTION, f.replace("_", "-")).outputs["arn"] for f in CHECKOUT_SAGA.functions}
    deployed = json.loads(rollback.inputs["definition"])
    queue_url = cloud.named(QUEUE, "checkout-compensation-dlq").outputs["url"]
    assert deployed["StartAt"] == "ReadOriginalOrder"
    # The very compensations of the deployed saga (same functions, payloads, retries), plus the pivot's exit.
    saga_states = json.loads(saga.inputs["definition"])["States"]
    for name in ("ReleaseInventory", "RefundPayment"):
        assert deployed["States"][name]["Retry"][1:] == saga_states[name]["Retry"]
        assert deployed["States"][name]["Resource"] == saga_states[name]["Resource"]
    assert deployed["States"]["EscalateRefundPayment"]["Parameters"]["QueueUrl"] == queue_url
    assert set(deployed["States"]) == set(build_rollback_definition(CHECKOUT_SAGA, arns, queue_url)["States"])
    logging, saga_logging = rollback.inputs["loggingConfiguration"], saga.inputs["loggingConfiguration"]
    assert {k: v for k, v in logging.items() if k != "logDestination"} == {
        k: v for k, v in saga_logging.items() if k != "logDestination"
    }
    assert logging["logDestination"].endswith(":log-group:/aws/vendedlogs/states/checkout-saga-checkout-rollback-"
                                              f"{declared_stack.name}:*")
    assert rollback.inputs["tracingConfiguration"] == {"enabled": True}
    if declared_stack.name == "prod":
        assert rollback.inputs["encryptionConfiguration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert declared_stack.outputs["rollbackStateMachineArn"] == rollback.outputs["arn"]


def test_the_rollback_may_invoke_only_its_functions_and_send_only_to_the_sagas_queue(declared_stack):
    cloud = declared_stack.cloud
    granted = statements(cloud, "checkout-rollback-policy")
    assert sorted(granted["InvokeCompensationFunctions"]["Resource"]) == sorted(
        cloud.named(FUNCTION, f).outputs["arn"] for f in ("validate-order", "release-inventory", "refund-payment")
    )
    assert granted["InvokeCompensationFunctions"]["Action"] == ["lambda:InvokeFunction"]
    escalate = granted["EscalateToTheSagasDeadLetterQueue"]
    assert (escalate["Action"], escalate["Resource"]) == (
        ["sqs:SendMessage"],
        [cloud.named(QUEUE, "checkout-compensation-dlq").outputs["arn"]],
    )


def test_a_stopped_or_timed_out_checkout_and_nothing_else_starts_the_rollback(declared_stack):
    cloud = declared_stack.cloud
    rule = cloud.named(RULE, "checkout-rollback-trigger")
    saga_arn = cloud.named(STATE_MACHINE, "checkout").outputs["arn"]
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["ABORTED", "TIMED_OUT"], "stateMachineArn": [saga_arn]},
    }
    (target,) = [t for t in cloud.of_type(TARGET) if t.inputs["rule"] == rule.outputs["name"]]
    rollback_arn = cloud.named(STATE_MACHINE, "checkout-rollback").outputs["arn"]
    assert target.inputs["arn"] == rollback_arn
    role = cloud.named(ROLE, "checkout-rollback-trigger-role")
    assert target.inputs["roleArn"] == role.outputs["arn"]
    transformer = target.inputs["inputTransformer"]
    assert transformer["inputPaths"] == {
        "input": "$.detail.input",
        "execution": "$.detail.executionArn",
        "status": "$.detail.status",
    }
    assert transformer["inputTemplate"] == (
        '{"originalInput": <input>, "originExecutionArn": <execution>, "reason": <status>}'
    )
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"]["ArnLike"] == {"aws:SourceArn": rule.outputs["arn"]}
    granted = statements(cloud, "checkout-rollback-trigger-policy")
    start = granted.pop("StartTheRollbackOnly")
    assert (start["Action"], start["Resource"]) == (["states:StartExecution"], [rollback_arn])
    if declared_stack.name == "prod":  # its input is encrypted with the stack's key, for that machine only
        encrypt = granted.pop("EncryptTheRollbacksInput")
        assert encrypt["Action"] == ["kms:GenerateDataKey"]
        context = encrypt["Condition"]["StringEquals"]["kms:EncryptionContext:aws:states:stateMachineArn"]
        assert context == rollback_arn
    assert granted == {}
