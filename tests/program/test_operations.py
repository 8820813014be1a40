"""The rollback workflow and its trigger, as the program declares them for dev and prod."""

from __future__ import annotations

import fnmatch
import json

import pytest

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
    assert deployed["States"]["EscalateRefundPayment"]["Arguments"]["QueueUrl"] == queue_url
    expected = build_rollback_definition(CHECKOUT_SAGA, arns, queue_url, query_language="JSONata")
    assert deployed["QueryLanguage"] == "JSONata" and set(deployed["States"]) == set(expected["States"])
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
        cloud.named(FUNCTION, f).outputs["qualifiedArn"]
        for f in ("validate-order", "release-inventory", "refund-payment")
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
    assert target.inputs["arn"] == f"{rollback_arn}:live"  # started through its alias, as every caller does
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
    assert (start["Action"], start["Resource"]) == (["states:StartExecution"], [f"{rollback_arn}:live"])
    if declared_stack.name == "prod":  # its input is encrypted with the stack's key, for that machine only
        encrypt = granted.pop("EncryptTheRollbacksInput")
        assert encrypt["Action"] == ["kms:GenerateDataKey"]
        context = encrypt["Condition"]["StringEquals"]["kms:EncryptionContext:aws:states:stateMachineArn"]
        assert context == rollback_arn
    assert granted == {}


ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
FUNCTIONS = ("validate-order", "process-payment", "reserve-inventory", "confirm-order", "release-inventory",
             "refund-payment")
# What each stack's config says (Pulumi.<stack>.yaml `alarms`).
SETTINGS = {
    "dev": {"period": 300, "lambda": 5, "percent": 50, "minimum": 10},
    "prod": {"period": 60, "lambda": 1, "percent": 20, "minimum": 20},
}


def alarms(cloud) -> dict[str, dict]:
    return {a.name.removeprefix("operations-"): a.inputs for a in cloud.of_type(ALARM)}


def test_every_alarm_tells_the_alarm_topic_and_takes_its_window_from_the_stack_config(declared_stack):
    cloud = declared_stack.cloud
    topic = cloud.named(TOPIC, "alarms").outputs["arn"]
    settings = SETTINGS[declared_stack.name]
    found = alarms(cloud)
    for name, alarm in found.items():
        assert alarm["alarmActions"] == alarm["okActions"] == [topic], name
        assert alarm["treatMissingData"] == "notBreaching", name
        assert alarm["name"] == f"checkout-saga-{name}-{declared_stack.name}"
        assert alarm["evaluationPeriods"] == 1
        if "metricQueries" not in alarm:
            assert alarm["period"] == settings["period"], name
    for function in FUNCTIONS:
        for kind, metric in (("errors", "Errors"), ("throttles", "Throttles")):
            alarm = found[f"{function}-{kind}"]
            assert (alarm["namespace"], alarm["metricName"]) == ("AWS/Lambda", metric)
            assert alarm["dimensions"] == {"FunctionName": cloud.named(FUNCTION, function).outputs["name"]}
            assert alarm["threshold"] == settings["lambda"]


def test_dead_letters_stopped_checkouts_and_failed_rollbacks_alarm_at_the_first(declared_stack):
    cloud, found = declared_stack.cloud, alarms(declared_stack.cloud)
    saga = cloud.named(STATE_MACHINE, "checkout").outputs["arn"]
    rollback = cloud.named(STATE_MACHINE, "checkout-rollback").outputs["arn"]
    queue = cloud.named(QUEUE, "checkout-compensation-dlq").outputs["name"]
    expected = {
        "dead-letters": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue}),
        "checkout-timed-out": ("AWS/States", "ExecutionsTimedOut", {"StateMachineArn": saga}),
        "checkout-aborted": ("AWS/States", "ExecutionsAborted", {"StateMachineArn": saga}),
        "checkout-throttled": ("AWS/States", "ExecutionThrottled", {"StateMachineArn": saga}),
        "rollback-failed": ("AWS/States", "ExecutionsFailed", {"StateMachineArn": rollback}),
        "rollback-timed-out": ("AWS/States", "ExecutionsTimedOut", {"StateMachineArn": rollback}),
        "rollback-aborted": ("AWS/States", "ExecutionsAborted", {"StateMachineArn": rollback}),
        "checkout-technical-failures": ("CheckoutSaga/Operations", "TechnicalFailures", None),
        "validation-technical-failures": ("CheckoutSaga/Operations", "ValidationTechnicalFailures", None),
    }
    for name, (namespace, metric, dimensions) in expected.items():
        alarm = found[name]
        assert (alarm["namespace"], alarm["metricName"], alarm.get("dimensions")) == (namespace, metric, dimensions)
        assert (alarm["threshold"], alarm["comparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold"), name


def test_metric_filters_count_technical_failures_apart_from_business_outcomes(declared_stack):
    cloud = declared_stack.cloud
    filters = {f.inputs["name"]: f.inputs for f in cloud.of_type(METRIC_FILTER)}
    saga_logs = cloud.named(STATE_MACHINE, "checkout").inputs["loggingConfiguration"]["logDestination"]
    validation_logs = cloud.named(STATE_MACHINE, "order-validation").inputs["loggingConfiguration"]["logDestination"]
    assert saga_logs.endswith(f":log-group:{filters['TechnicalFailures']['logGroupName']}:*")
    assert saga_logs.endswith(f":log-group:{filters['BusinessFailures']['logGroupName']}:*")
    assert validation_logs.endswith(f":log-group:{filters['ValidationTechnicalFailures']['logGroupName']}:*")
    assert filters["TechnicalFailures"]["pattern"] == (
        '{ $.type = "ExecutionFailed" && ($.details.error = "CheckoutFailed" || '
        '$.details.error = "CompensationFailed") }'
    )
    assert filters["BusinessFailures"]["pattern"] == (
        '{ $.type = "ExecutionFailed" && ($.details.error = "OrderInvalid" || '
        '$.details.error = "PaymentDeclined" || $.details.error = "OutOfStock") }'
    )
    assert filters["ValidationTechnicalFailures"]["pattern"] == (
        '{ $.type = "ExecutionFailed" && ($.details.error != "OrderInvalid") }'
    )
    for metric, inputs in filters.items():
        transformation = inputs["metricTransformation"]
        assert (transformation["name"], transformation["namespace"], transformation["value"]) == (
            metric, "CheckoutSaga/Operations", "1")


def test_a_surge_of_business_failures_alarms_as_a_share_of_the_started_checkouts(declared_stack):
    cloud, settings = declared_stack.cloud, SETTINGS[declared_stack.name]
    surge = alarms(cloud)["business-failure-surge"]
    queries = {q["id"]: q for q in surge["metricQueries"]}
    assert queries["percent"]["expression"] == f"IF(started >= {settings['minimum']}, 100 * business / started, 0)"
    assert queries["percent"]["returnData"] is True
    assert queries["started"]["metric"]["metricName"] == "ExecutionsStarted"
    assert queries["started"]["metric"]["dimensions"] == {
        "StateMachineArn": cloud.named(STATE_MACHINE, "checkout").outputs["arn"]
    }
    assert queries["business"]["metric"]["metricName"] == "BusinessFailures"
    assert {q["metric"]["period"] for q in queries.values() if "metric" in q} == {settings["period"]}
    assert (surge["threshold"], surge["comparisonOperator"]) == (settings["percent"], "GreaterThanThreshold")


def test_only_the_stacks_alarms_may_publish_to_the_topic_through_cloudwatch(declared_stack):
    cloud = declared_stack.cloud
    statements = json.loads(cloud.named(TOPIC_POLICY, "alarms-policy").inputs["policy"])["Statement"]
    (from_alarms,) = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    (pattern,) = from_alarms["Condition"]["ArnLike"]["aws:SourceArn"]
    assert pattern == f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-saga-*-{declared_stack.name}"
    for alarm in cloud.of_type(ALARM):
        assert fnmatch.fnmatchcase(alarm.outputs["arn"], pattern), alarm.name
    assert not fnmatch.fnmatchcase("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other-app-x-prod", pattern)


def test_the_dashboard_shows_outcomes_durations_rollbacks_dead_letters_functions_and_business_metrics(declared_stack):
    cloud = declared_stack.cloud
    (dashboard,) = cloud.of_type("aws:cloudwatch/dashboard:Dashboard")
    assert dashboard.inputs["dashboardName"] == f"checkout-saga-operations-{declared_stack.name}"
    body = json.loads(dashboard.inputs["dashboardBody"])
    widgets = {w["properties"]["title"]: w["properties"] for w in body["widgets"]}
    saga = cloud.named(STATE_MACHINE, "checkout").outputs["arn"]
    rollback = cloud.named(STATE_MACHINE, "checkout-rollback").outputs["arn"]
    outcomes = {tuple(m[:2]) for m in widgets["Checkouts by outcome"]["metrics"]}
    assert ("AWS/States", "ExecutionsAborted") in outcomes
    assert ("CheckoutSaga/Operations", "TechnicalFailures") in outcomes
    assert all(saga in m for m in widgets["Checkouts by outcome"]["metrics"] if m[0] == "AWS/States")
    assert [m[-1]["stat"] for m in widgets["Checkout execution time (ms)"]["metrics"]] == ["p50", "p99"]
    assert all(rollback in m for m in widgets["Rollbacks"]["metrics"])
    names = {cloud.named(FUNCTION, f).outputs["name"] for f in FUNCTIONS}
    for title in ("Lambda errors", "Lambda throttles", "Lambda duration p99 (ms)"):
        assert {m[-1] for m in widgets[title]["metrics"]} == names, title
    business = {m[1] for m in widgets["Business metrics (handlers)"]["metrics"]}
    assert {"PaymentCharged", "PaymentDeclined", "InventoryDepleted", "PaymentRefunded", "OrderConfirmed"} <= business


def test_bad_alarm_settings_fail_naming_the_key(declare_stack):
    with pytest.raises(Exception, match=r"config alarms\.periodSeconds=90 must be a multiple of 60"):
        declare_stack("dev", {"checkout-saga:alarms": '{"periodSeconds": 90}'})
    with pytest.raises(Exception, match=r"config alarms has unknown keys \['lambdaError'\]"):
        declare_stack("dev", {"checkout-saga:alarms": '{"lambdaError": 3}'})
