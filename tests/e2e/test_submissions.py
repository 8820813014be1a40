"""How executions are started: duplicate submissions, the Express sync API, and the real AWS CLI."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from devstack.aws_cli import run_aws_cli
from devstack.executions import start_execution, start_sync_execution, wait_for_execution
from devstack.orders import example_order, example_path

pytestmark = pytest.mark.e2e


def test_same_name_and_input_while_running_is_the_same_execution(stack):
    order = stack.order("happy")
    arn = stack.outputs["checkoutStateMachineArn"]
    with ThreadPoolExecutor(4) as pool:
        arns = set(pool.map(lambda _: start_execution(stack.sfn, arn, order, order["order_id"]), range(4)))
    assert len(arns) == 1
    result = wait_for_execution(stack.sfn, arns.pop())
    assert result.status == "SUCCEEDED"
    with pytest.raises(ClientError, match="ExecutionAlreadyExists"):
        start_execution(stack.sfn, arn, order, order["order_id"])  # closed: the name is taken for good
    snapshot = stack.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.refunds) == (1, 0)


def test_same_name_with_different_input_is_rejected(stack):
    order = stack.order("happy")
    arn = stack.outputs["checkoutStateMachineArn"]
    first = start_execution(stack.sfn, arn, order, order["order_id"])
    changed = {**order, "customer_id": "someone-else"}
    with pytest.raises(ClientError, match="ExecutionAlreadyExists"):
        start_execution(stack.sfn, arn, changed, order["order_id"])
    assert wait_for_execution(stack.sfn, first).status == "SUCCEEDED"


def test_same_order_under_other_names_is_charged_once(stack):
    order = stack.order("happy")
    results = [stack.checkout(order, name=f"{order['order_id']}-{attempt}") for attempt in range(3)]
    assert {r.status for r in results} == {"SUCCEEDED"}
    assert len({r.output["payment_id"] for r in results}) == 1
    assert len({r.output["confirmation_id"] for r in results}) == 1
    snapshot = stack.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.refunds, snapshot.status) == (1, 0, "CONFIRMED")


def test_express_validation_returns_the_normalized_order(stack):
    order = stack.order("happy")
    result = start_sync_execution(stack.sfn, stack.outputs["orderValidationStateMachineArn"], order)
    assert result.status == "SUCCEEDED"
    assert result.output["total_minor"] == sum(i["quantity"] * i["unit_price_minor"] for i in order["items"])
    assert result.output["order_id"] == order["order_id"]
    assert result.billed_duration_ms is not None and result.billed_duration_ms % 100 == 0


def test_express_validation_fails_with_the_list_of_errors(stack):
    invalid = example_order("invalid")
    result = start_sync_execution(stack.sfn, stack.outputs["orderValidationStateMachineArn"], invalid)
    assert (result.status, result.error) == ("FAILED", "OrderInvalid")
    errors = json.loads(result.cause)
    assert {"order_id", "customer_id", "currency"} <= {e["field"] for e in errors}
    assert all(set(e) == {"field", "message"} for e in errors)


def test_the_real_aws_cli_drives_both_workflows(stack):
    order = stack.order("happy")
    started = run_aws_cli(stack.endpoint_url, "stepfunctions", "start-execution",
                      "--state-machine-arn", stack.outputs["checkoutStateMachineArn"],
                      "--name", order["order_id"], "--input", json.dumps(order))
    assert started.returncode == 0, started.stderr
    execution_arn = json.loads(started.stdout)["executionArn"]
    wait_for_execution(stack.sfn, execution_arn)
    described = run_aws_cli(stack.endpoint_url, "stepfunctions", "describe-execution", "--execution-arn", execution_arn)
    assert described.returncode == 0, described.stderr
    assert json.loads(described.stdout)["status"] == "SUCCEEDED"
    synced = run_aws_cli(stack.endpoint_url, "stepfunctions", "start-sync-execution",
                     "--state-machine-arn", stack.outputs["orderValidationStateMachineArn"],
                     "--input", f"file://{example_path('invalid')}")
    assert synced.returncode == 0, synced.stderr
    response = json.loads(synced.stdout)
    assert (response["status"], response["error"]) == ("FAILED", "OrderInvalid")


def test_handler_logs_reach_cloudwatch_logs(stack):
    order = stack.order("declined")
    stack.checkout(order)
    group = f"/aws/lambda/{stack.function_name('process_payment')}"
    listed = run_aws_cli(stack.endpoint_url, "logs", "filter-log-events", "--log-group-name", group,
                     "--filter-pattern", order["order_id"])
    assert listed.returncode == 0, listed.stderr
    messages = [json.loads(e["message"]) for e in json.loads(listed.stdout)["events"]
                if e["message"].startswith("{")]
    assert any(m.get("message") == "Payment declined" for m in messages)
    assert not any("tok_chargeDeclined" in json.dumps(m) for m in messages)


