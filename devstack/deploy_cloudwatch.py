"""The CloudWatch resources of the operations alarms (components/saga_alarms.py), created on the emulator.

Pulumi hands the inputs in camelCase; each function creates the resource through the CloudWatch / CloudWatch Logs
APIs and answers (physical id, outputs) as EmulatorProvider's creators do. The emulator keeps them as AWS would;
it never evaluates the alarms (emulator/README.md, known gaps).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Outputs = dict[str, Any]


def _dimensions(dimensions: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in (dimensions or {}).items()]


def _metric_query(query: Mapping[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {"Id": query["id"], "ReturnData": bool(query.get("returnData"))}
    if query.get("expression"):
        request["Expression"] = query["expression"]
    if query.get("label"):
        request["Label"] = query["label"]
    metric = query.get("metric")
    if metric:
        request["MetricStat"] = {
            "Metric": {
                "Namespace": metric["namespace"],
                "MetricName": metric["metricName"],
                "Dimensions": _dimensions(metric.get("dimensions")),
            },
            "Period": int(metric["period"]),
            "Stat": metric["stat"],
        }
    return request


def create_metric_alarm(cloudwatch: Any, name: str, inputs: Outputs, tags: list[dict[str, str]]) -> tuple[str, Outputs]:
    alarm_name = inputs.get("name") or name
    request: dict[str, Any] = {
        "AlarmName": alarm_name,
        "AlarmDescription": inputs.get("alarmDescription", ""),
        "EvaluationPeriods": int(inputs["evaluationPeriods"]),
        "Threshold": float(inputs["threshold"]),
        "ComparisonOperator": inputs["comparisonOperator"],
        "TreatMissingData": inputs.get("treatMissingData", "missing"),
        "AlarmActions": list(inputs.get("alarmActions") or []),
        "OKActions": list(inputs.get("okActions") or []),
    }
    if inputs.get("metricQueries"):
        request["Metrics"] = [_metric_query(query) for query in inputs["metricQueries"]]
    else:
        request.update(
            Namespace=inputs["namespace"],
            MetricName=inputs["metricName"],
            Dimensions=_dimensions(inputs.get("dimensions")),
            Statistic=inputs["statistic"],
            Period=int(inputs["period"]),
        )
    if tags:
        request["Tags"] = tags
    cloudwatch.put_metric_alarm(**request)
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    return alarm_name, {**inputs, "name": alarm_name, "arn": alarm["AlarmArn"]}


def create_log_metric_filter(logs: Any, name: str, inputs: Outputs) -> tuple[str, Outputs]:
    transformation = inputs["metricTransformation"]
    metric: dict[str, Any] = {
        "metricName": transformation["name"],
        "metricNamespace": transformation["namespace"],
        "metricValue": transformation["value"],
    }
    if transformation.get("defaultValue") is not None:
        metric["defaultValue"] = float(transformation["defaultValue"])
    if transformation.get("unit"):
        metric["unit"] = transformation["unit"]
    filter_name = inputs.get("name") or name
    logs.put_metric_filter(
        logGroupName=inputs["logGroupName"],
        filterName=filter_name,
        filterPattern=inputs["pattern"],
        metricTransformations=[metric],
    )
    return filter_name, {**inputs, "name": filter_name}


def create_dashboard(cloudwatch: Any, name: str, inputs: Outputs) -> tuple[str, Outputs]:
    dashboard_name = inputs.get("dashboardName") or name
    cloudwatch.put_dashboard(DashboardName=dashboard_name, DashboardBody=inputs["dashboardBody"])
    arn = cloudwatch.get_dashboard(DashboardName=dashboard_name)["DashboardArn"]
    return dashboard_name, {**inputs, "dashboardName": dashboard_name, "dashboardArn": arn}
