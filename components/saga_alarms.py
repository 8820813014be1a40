"""The saga's operations alarms, the metric filters they need, and its dashboard; every alarm goes to the stack's
alarm topic (components/alarm_topic.py).

Technical and business failures both end a checkout FAILED, so Step Functions' own ExecutionsFailed metric cannot
tell them apart: a declined card or an out-of-stock item is the saga working (a business outcome), a CheckoutFailed
or CompensationFailed is something broken. The workflows' execution logs name the Fail state's error of every
failed execution (ExecutionFailed is logged at level ERROR too, so prod's quieter logs keep it): metric filters on
those log groups count each kind, with no code in the handlers (which never know how the saga ended) and no cost per
execution. Business failures alarm only as a surge: their share of the started checkouts over a window.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.stack_config import AlarmSettings

NAMESPACE = "CheckoutSaga/Operations"
# The Powertools metrics the handlers emit (namespace and the `service` dimension of every function).
HANDLER_NAMESPACE, HANDLER_SERVICE = "CheckoutSaga", "checkout"
BUSINESS_METRICS = (
    "PaymentCharged", "PaymentDeclined", "InventoryReserved", "InventoryDepleted", "OrderConfirmed", "OrderRejected",
    "CompensationRun", "PaymentRefunded", "InventoryReleased", "LateChargeRefunded", "IdempotentReplay",
)


@dataclass(frozen=True)
class FailureMetric:
    metric: str
    errors: tuple[str, ...]
    negate: bool = False  # count every failure whose error is NOT one of `errors`

    def filter_pattern(self) -> str:
        operator, joiner = ("!=", " && ") if self.negate else ("=", " || ")
        errors = joiner.join(f'$.details.error {operator} "{error}"' for error in self.errors)
        return f'{{ $.type = "ExecutionFailed" && ({errors}) }}'


@dataclass(frozen=True)
class SagaAlarmsArgs:
    topic_arn: pulumi.Input[str]
    settings: AlarmSettings
    saga_state_machine_arn: pulumi.Input[str]
    saga_log_group_name: pulumi.Input[str]
    rollback_state_machine_arn: pulumi.Input[str]
    validation_log_group_name: pulumi.Input[str]
    dead_letter_queue_name: pulumi.Input[str]
    function_names: Mapping[str, pulumi.Input[str]]  # logical name -> deployed function name
    technical_errors: Sequence[str]  # the saga's Fail errors that mean something broke
    business_errors: Sequence[str]  # the saga's Fail errors that are business outcomes
    validation_business_errors: Sequence[str]  # the Express validation's business outcome(s)
    region: pulumi.Input[str]


class SagaAlarms(pulumi.ComponentResource):
    alarm_names: list[pulumi.Output[str]]

    def __init__(self, name: str, args: SagaAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:operations:SagaAlarms", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self._prefix = name
        self._args = args
        settings = args.settings
        technical = FailureMetric("TechnicalFailures", tuple(args.technical_errors))
        business = FailureMetric("BusinessFailures", tuple(args.business_errors))
        validation = FailureMetric("ValidationTechnicalFailures", tuple(args.validation_business_errors), negate=True)
        self.metric_filters = [
            self._metric_filter(technical, args.saga_log_group_name),
            self._metric_filter(business, args.saga_log_group_name),
            self._metric_filter(validation, args.validation_log_group_name),
        ]
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        self._alarm("dead-letters", "A compensation failed after all its retries: an order waits in the dead-letter "
                    "queue (sagactl recover)", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                    {"QueueName": args.dead_letter_queue_name}, "Maximum", 1)
        for status, metric in (("timed-out", "ExecutionsTimedOut"), ("aborted", "ExecutionsAborted"),
                               ("throttled", "ExecutionThrottled")):
            self._alarm(f"checkout-{status}", f"Checkout executions {status.replace('-', ' ')} (the rollback "
                        "workflow undoes timed-out and aborted ones; check it ran)", "AWS/States", metric,
                        {"StateMachineArn": args.saga_state_machine_arn}, "Sum", 1)
        self._alarm("checkout-technical-failures", "Checkouts ended CheckoutFailed or CompensationFailed: something "
                    "is broken, not a business outcome", NAMESPACE, technical.metric, {}, "Sum", 1)
        self._alarm("validation-technical-failures", "Express order validations failed for another reason than an "
                    "invalid order", NAMESPACE, validation.metric, {}, "Sum", 1)
        for status, metric in (("failed", "ExecutionsFailed"), ("timed-out", "ExecutionsTimedOut"),
                               ("aborted", "ExecutionsAborted")):
            self._alarm(f"rollback-{status}", f"A rollback {status.replace('-', ' ')}: a stopped checkout may still "
                        "hold a charge or stock (sagactl trace, then recover)", "AWS/States", metric,
                        {"StateMachineArn": args.rollback_state_machine_arn}, "Sum", 1)
        for function, function_name in args.function_names.items():
            self._alarm(f"{function}-errors", f"Lambda {function} failed invocations", "AWS/Lambda", "Errors",
                        {"FunctionName": function_name}, "Sum", settings.lambda_errors)
            self._alarm(f"{function}-throttles", f"Lambda {function} was throttled (reserved concurrency reached)",
                        "AWS/Lambda", "Throttles", {"FunctionName": function_name}, "Sum", settings.lambda_throttles)
        self._business_surge(business.metric)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=naming.physical_name(name, 255),
            dashboard_body=pulumi.Output.all(
                args.saga_state_machine_arn, args.rollback_state_machine_arn, args.dead_letter_queue_name,
                dict(args.function_names), args.region,
            ).apply(lambda resolved: json.dumps(dashboard_body(*resolved))),
            opts=self._child,
        )
        self.alarm_names = [alarm.name for alarm in self.alarms.values()]
        self.register_outputs({"alarmNames": self.alarm_names, "dashboardName": self.dashboard.dashboard_name})

    def _metric_filter(self, metric: FailureMetric, log_group: pulumi.Input[str]) -> aws.cloudwatch.LogMetricFilter:
        return aws.cloudwatch.LogMetricFilter(
            f"{self._prefix}-{metric.metric}",
            name=metric.metric,
            log_group_name=log_group,
            pattern=metric.filter_pattern(),
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name=metric.metric, namespace=NAMESPACE, value="1", default_value="0", unit="Count"
            ),
            opts=self._child,
        )

    def _alarm(self, alarm: str, description: str, namespace: str, metric: str,
               dimensions: Mapping[str, pulumi.Input[str]], statistic: str, threshold: int) -> None:
        settings = self._args.settings
        self.alarms[alarm] = aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-{alarm}",
            name=alarm_name(alarm),
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            dimensions=dict(dimensions) or None,
            statistic=statistic,
            period=settings.period_seconds,
            evaluation_periods=settings.evaluation_periods,
            threshold=threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
            # No data is no failure: quiet hours must not alarm.
            treat_missing_data="notBreaching",
            alarm_actions=[self._args.topic_arn],
            ok_actions=[self._args.topic_arn],
            opts=self._child,
        )

    def _business_surge(self, business_metric: str) -> None:
        settings = self._args.settings

        def query(query_id: str, namespace: str, metric: str, dimensions: Mapping[str, Any]) -> Any:
            return aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=query_id,
                return_data=False,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace=namespace, metric_name=metric, dimensions=dict(dimensions) or None,
                    period=settings.period_seconds, stat="Sum",
                ),
            )

        minimum = settings.business_failure_minimum_executions
        self.alarms["business-failure-surge"] = aws.cloudwatch.MetricAlarm(
            f"{self._prefix}-business-failure-surge",
            name=alarm_name("business-failure-surge"),
            alarm_description=f"More than {settings.business_failure_percent}% of the checkouts ended in a business "
            "failure (declined, out of stock, invalid): a bad price, an empty warehouse or a payment provider problem",
            metric_queries=[
                query("business", NAMESPACE, business_metric, {}),
                query("started", "AWS/States", "ExecutionsStarted",
                      {"StateMachineArn": self._args.saga_state_machine_arn}),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="percent",
                    label="business failures per started checkout (%)",
                    expression=f"IF(started >= {minimum}, 100 * business / started, 0)",
                    return_data=True,
                ),
            ],
            evaluation_periods=settings.evaluation_periods,
            threshold=settings.business_failure_percent,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self._args.topic_arn],
            ok_actions=[self._args.topic_arn],
            opts=self._child,
        )


def alarm_name(alarm: str) -> str:
    return naming.physical_name(alarm, 255)


def alarm_arn_pattern(region: pulumi.Input[str], account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """The ARNs of this stack's alarms (what may publish to the alarm topic)."""
    return pulumi.Output.concat(
        "arn:aws:cloudwatch:", region, ":", account_id, ":alarm:", pulumi.get_project(), "-*-", pulumi.get_stack()
    )


def dashboard_body(saga_arn: str, rollback_arn: str, queue_name: str, functions: Mapping[str, str],
                   region: str) -> dict[str, Any]:
    def widget(title: str, metrics: list[list[Any]], stat: str = "Sum", width: int = 12) -> dict[str, Any]:
        return {
            "type": "metric",
            "width": width,
            "height": 6,
            "properties": {"title": title, "region": region, "stat": stat, "period": 300, "view": "timeSeries",
                           "metrics": metrics},
        }

    saga = ["StateMachineArn", saga_arn]
    rollback = ["StateMachineArn", rollback_arn]
    outcomes = [["AWS/States", m, *saga] for m in ("ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut",
                                                   "ExecutionsAborted")]
    outcomes += [[NAMESPACE, "TechnicalFailures"], [NAMESPACE, "BusinessFailures"]]
    duration = [["AWS/States", "ExecutionTime", *saga, {"stat": stat, "label": stat}] for stat in ("p50", "p99")]
    rollbacks = [["AWS/States", m, *rollback] for m in ("ExecutionsStarted", "ExecutionsSucceeded",
                                                        "ExecutionsFailed", "ExecutionsTimedOut")]
    dead_letters = [["AWS/SQS", m, "QueueName", queue_name] for m in ("ApproximateNumberOfMessagesVisible",
                                                                      "NumberOfMessagesSent")]
    lambda_metric = {metric: [["AWS/Lambda", metric, "FunctionName", name] for name in functions.values()]
                     for metric in ("Errors", "Throttles", "Duration")}
    business = [[HANDLER_NAMESPACE, m, "service", HANDLER_SERVICE] for m in BUSINESS_METRICS]
    return {
        "widgets": [
            widget("Checkouts by outcome", outcomes),
            widget("Checkout execution time (ms)", duration, stat="p50"),
            widget("Rollbacks", rollbacks),
            widget("Dead letters", dead_letters, stat="Maximum"),
            widget("Lambda errors", lambda_metric["Errors"], width=8),
            widget("Lambda throttles", lambda_metric["Throttles"], width=8),
            widget("Lambda duration p99 (ms)", lambda_metric["Duration"], stat="p99", width=8),
            widget("Business metrics (handlers)", business, width=24),
        ]
    }
