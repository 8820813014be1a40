"""A checkout that Step Functions stopped or timed out rolls itself back: the status-change event starts the rollback
workflow (EventBridge rule), which compensates in reverse order or, past the pivot, leaves the order alone; then
`sagactl check` finds nothing wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from devstack.executions import poll_until, start_execution, states_entered, wait_for_execution
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from sagactl.rollbacks import rollbacks_of

pytestmark = pytest.mark.e2e


def slow(rs: Any, state: str, milliseconds: int) -> None:
    latency = FaultRule(FaultKind.LATENCY, latency_ms=(milliseconds, milliseconds))
    rs.control.set_faults(rs.parts.function_name(state), RandomFaults(0, (latency,)))


def entered(rs: Any, execution_arn: str, state: str) -> None:
    poll_until(lambda: True if state in states_entered(rs.sfn, execution_arn) else None, 30,
               lambda: f"{execution_arn} never entered {state}")


def the_rollback(rs: Any, origin_arn: str) -> dict[str, Any]:
    """The one rollback the rule started for `origin_arn`, once it has ended."""
    found = poll_until(lambda: rollbacks_of(rs.sfn, rs.parts.rollback_arn, origin_arn) or None, 30,
                       lambda: f"no rollback of {origin_arn}")
    assert len(found) == 1, found
    result = wait_for_execution(rs.sfn, found[0]["executionArn"], timeout_s=60)
    return {"result": result, "input": json.loads(found[0]["input"])}


# Every step, the pivot included: a ConfirmOrder still running when the rollback marks the order FAILED is refused.
@pytest.mark.parametrize("state", ["ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder"])
def test_a_checkout_stopped_during_a_step_is_rolled_back_by_itself(rs, check: Callable, state: str) -> None:
    order = rs.order("happy", prefix=f"stop-{state}")
    slow(rs, state, 1500)  # the stop lands while the step's Lambda still runs (and lands after the rollback)
    arn = rs.start(order)
    entered(rs, arn, state)

    rs.sfn.stop_execution(executionArn=arn, error="OperatorStop", cause="e2e: stopped during " + state)

    assert rs.sfn.describe_execution(executionArn=arn)["status"] == "ABORTED"
    rollback = the_rollback(rs, arn)
    assert rollback["input"]["originExecutionArn"] == arn and rollback["input"]["reason"] == "ABORTED"
    assert json.loads(rollback["input"]["originalInput"]) == order
    assert rollback["result"].status == "SUCCEEDED"
    assert rollback["result"].path == ("ReadOriginalOrder", "ValidateOrder", "ReleaseInventory", "RefundPayment",
                                       "RolledBack")
    rs.control.clear_faults()
    # The step still running when the saga was stopped lands after the rollback: it must undo itself.
    poll_until(lambda: True if rs.snapshot(order["order_id"]).net_charge_minor == 0 else None, 30,
               lambda: "the late charge was not refunded")
    report = check([arn])
    assert report.ok, report.violations
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.net_charge_minor) == ("FAILED", 0)
    assert snapshot.reservation_status != "RESERVED"


def test_a_checkout_stopped_once_confirmed_is_left_alone(rs, check: Callable) -> None:
    order = rs.order("happy", prefix="stop-pivot")
    slow(rs, "ConfirmOrder", 1000)
    slow(rs, "ReleaseInventory", 4000)  # the rollback reaches the order after the confirmation landed
    arn = rs.start(order)
    entered(rs, arn, "ConfirmOrder")

    rs.sfn.stop_execution(executionArn=arn, error="OperatorStop")

    rollback = the_rollback(rs, arn)
    assert rollback["result"].status == "SUCCEEDED"
    assert rollback["result"].path[-2:] == ("ReleaseInventory", "PastThePivot")
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.reservation_status) == ("CONFIRMED", "RESERVED")
    assert snapshot.net_charge_minor == order_total(order)
    report = check([arn])
    assert report.ok, report.violations


def test_a_checkout_that_times_out_is_rolled_back_by_itself(rs, check: Callable) -> None:
    """The deployed timeout outlasts every healthy saga; this test gives the saga a short one for a moment, started
    by the machine's own ARN (which runs its newest definition; the `live` alias runs published versions only). The
    rule watches the machine, whatever its definition and however its executions were started."""
    sfn = rs.sfn
    deployed = sfn.describe_state_machine(stateMachineArn=rs.parts.checkout_arn)["definition"]
    short = {**json.loads(deployed), "TimeoutSeconds": 2}
    order = rs.order("happy", prefix="timeout")
    slow(rs, "ReserveInventory", 3000)
    sfn.update_state_machine(stateMachineArn=rs.parts.checkout_arn, definition=json.dumps(short))
    try:
        arn = start_execution(sfn, rs.parts.checkout_arn, order, order["order_id"])
    finally:
        sfn.update_state_machine(stateMachineArn=rs.parts.checkout_arn, definition=deployed)

    assert wait_for_execution(sfn, arn, timeout_s=30).status == "TIMED_OUT"
    rollback = the_rollback(rs, arn)
    assert rollback["input"]["reason"] == "TIMED_OUT"
    assert rollback["result"].status == "SUCCEEDED"
    rs.control.clear_faults()
    poll_until(lambda: True if rs.snapshot(order["order_id"]).reservation_status != "RESERVED" else None, 30,
               lambda: "the late reservation was not refused or released")
    report = check([arn])
    assert report.ok, report.violations


def order_total(order: dict[str, Any]) -> int:
    return sum(int(line["quantity"]) * int(line["unit_price_minor"]) for line in order["items"])


def test_the_operations_alarms_topic_publishers_and_dashboard_are_created_on_the_emulator(rs) -> None:
    cloudwatch = rs.clients.client("cloudwatch")
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(MaxRecords=100)["MetricAlarms"]}
    topic = rs.outputs["alarmTopicArn"]
    dead_letters = alarms["checkout-saga-dead-letters-dev"]
    assert dead_letters["AlarmActions"] == [topic] and dead_letters["Threshold"] == 1
    assert "checkout-saga-business-failure-surge-dev" in alarms
    filters = rs.clients.client("logs").describe_metric_filters()["metricFilters"]
    expected_filters = {"TechnicalFailures", "BusinessFailures", "ValidationTechnicalFailures"}
    assert {f["filterName"] for f in filters} >= expected_filters
    names = [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]]
    assert "checkout-saga-operations-dev" in names


def test_trace_links_a_stopped_checkout_and_its_rollback_both_ways(rs, capsys: pytest.CaptureFixture[str]) -> None:
    from sagactl.__main__ import main as sagactl_main

    order = rs.order("happy", prefix="trace-stop")
    slow(rs, "ReserveInventory", 1000)
    arn = rs.start(order)
    entered(rs, arn, "ReserveInventory")
    rs.sfn.stop_execution(executionArn=arn, error="OperatorStop")
    rollback_arn = the_rollback(rs, arn)["result"].arn
    endpoint = ["--endpoint-url", rs.endpoint_url, "--no-pictures"]

    assert sagactl_main(["trace", arn, *endpoint, "--json"]) == 0
    saga_trail = json.loads(capsys.readouterr().out)
    assert saga_trail["execution"]["status"] == "ABORTED"
    assert saga_trail["links"] == [
        {"relation": "rolled back by", "arn": rollback_arn, "status": "SUCCEEDED", "reason": None}
    ]
    assert sagactl_main(["trace", rollback_arn, *endpoint]) == 0
    text = capsys.readouterr().out
    assert f"Rollback of  {arn}  ABORTED  (ABORTED)" in text
    assert "ReleaseInventory" in text and "RolledBack" in text


def test_a_rollback_started_twice_for_the_same_order_is_harmless(rs, check: Callable) -> None:
    order = rs.order("happy", prefix="twice")
    slow(rs, "ReserveInventory", 1000)
    arn = rs.start(order)
    entered(rs, arn, "ReserveInventory")
    rs.sfn.stop_execution(executionArn=arn)
    first = the_rollback(rs, arn)
    assert first["result"].status == "SUCCEEDED"
    rs.control.clear_faults()

    again = rs.sfn.start_execution(stateMachineArn=rs.parts.rollback_arn, input=json.dumps(first["input"]))
    second = wait_for_execution(rs.sfn, again["executionArn"], timeout_s=60)

    assert second.status == "SUCCEEDED"
    assert second.output == first["result"].output  # every compensation replayed, none redone
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.refunds, snapshot.net_charge_minor) == (1, 1, 0)
    assert check([arn]).ok
