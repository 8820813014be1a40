"""Fault injection in the emulator's Lambda runtime, seen from the Invoke API and from Step Functions."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from devstack.control import ControlApiError
from devstack.executions import wait_for_execution
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults

pytestmark = pytest.mark.e2e


def policy(*rules: FaultRule, seed: int = 0) -> RandomFaults:
    return RandomFaults(seed, rules)


def invoke_once(rs, function: str, payload: Any) -> dict[str, Any]:
    """One Invoke, no SDK retries (a throttle must surface), with the log tail."""
    client = boto3.client(
        "lambda",
        endpoint_url=rs.endpoint_url,
        region_name=rs.local.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    response = client.invoke(FunctionName=function, Payload=json.dumps(payload).encode(), LogType="Tail")
    return {
        "error": response.get("FunctionError"),
        "payload": json.loads(response["Payload"].read()),
        "log": base64.b64decode(response.get("LogResult", "")).decode(),
    }


@pytest.fixture(scope="module")
def sleepy_function(reliability, zip_source) -> str:
    """A function of our own with a 1 s timeout, so that timeouts take a second, not the saga's ten."""
    lam, iam = reliability.clients.client("lambda"), reliability.clients.client("iam")
    role = iam.create_role(RoleName="fault-test-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    source = """
        import time
        def handler(event, context):
            print("handler ran")
            return {"remaining_ms": context.get_remaining_time_in_millis()}
    """
    lam.create_function(FunctionName="fault-test-sleepy", Runtime="python3.13", Role=role, Handler="app.handler",
                        Code={"ZipFile": zip_source({"app.py": source})}, Timeout=1)
    return "fault-test-sleepy"


@pytest.fixture(scope="module")
def slow_function(reliability, sleepy_function: str, zip_source) -> str:
    """Like sleepy_function, with a 3 s timeout: long enough to keep workers busy while another invocation runs."""
    lam = reliability.clients.client("lambda")
    role = lam.get_function_configuration(FunctionName=sleepy_function)["Role"]
    source = """
        def handler(event, context):
            return {"ok": True}
    """
    lam.create_function(FunctionName="fault-test-slow", Runtime="python3.13", Role=role, Handler="app.handler",
                        Code={"ZipFile": zip_source({"app.py": source})}, Timeout=3)
    return "fault-test-slow"


def test_the_control_api_sets_lists_and_clears_policies(rs) -> None:
    function = rs.parts.function_name("ValidateOrder")
    rs.control.set_faults(function, policy(FaultRule(FaultKind.THROTTLE, 0.25, max_count=3), seed=9))
    status = rs.control.fault_status()
    assert status.policies[function] == {
        "seed": 9, "rules": [{"kind": "throttle", "probability": 0.25, "max_count": 3}]
    }
    rs.control.clear_faults(function)
    assert function not in rs.control.fault_status().policies


def test_an_invalid_policy_is_refused_with_its_reason(rs) -> None:
    with pytest.raises(ControlApiError, match="probability must be between 0 and 1"):
        rs.control.set_faults("any", {"seed": 1, "rules": [{"kind": "throttle", "probability": 2}]})
    with pytest.raises(ControlApiError, match="kind must be one of"):
        rs.control.set_faults("any", {"seed": 1, "rules": [{"kind": "meteor"}]})
    assert "any" not in rs.control.fault_status().policies


def test_throttle_is_the_invoke_apis_429_and_the_handler_never_runs(rs) -> None:
    function = rs.parts.function_name("ValidateOrder")
    before = rs.control.fault_status().injected.get(function, {}).get("throttle", 0)
    rs.control.set_faults(function, policy(FaultRule(FaultKind.THROTTLE)))
    with pytest.raises(ClientError) as raised:
        invoke_once(rs, function, rs.order("happy"))
    assert raised.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert rs.control.fault_status().injected[function]["throttle"] == before + 1


def test_fail_before_reports_the_error_type_without_running_the_handler(rs) -> None:
    function = rs.parts.function_name("ValidateOrder")
    rs.control.set_faults(function, policy(FaultRule(FaultKind.FAIL_BEFORE, error_type="TransientError")))
    result = invoke_once(rs, function, rs.order("happy"))
    assert result["error"] == "Unhandled" and result["payload"]["errorType"] == "TransientError"
    # The function logs in JSON: the uncaught error is one {"log_level": "ERROR", "errorType": ...} record
    assert "Order validated" not in result["log"] and '"errorType":"TransientError"' in result["log"]


def test_crash_after_runs_the_handler_then_loses_its_response(rs) -> None:
    function = rs.parts.function_name("ValidateOrder")
    rs.control.set_faults(function, policy(FaultRule(FaultKind.CRASH_AFTER)))
    result = invoke_once(rs, function, rs.order("happy"))
    assert result["payload"]["errorType"] == "Runtime.ExitError"
    assert "signal: killed" in result["payload"]["errorMessage"]
    assert "Order validated" in result["log"]  # the work was done; only the answer is lost


def test_timeout_hangs_until_the_function_timeout(rs, sleepy_function: str) -> None:
    rs.control.set_faults(sleepy_function, policy(FaultRule(FaultKind.TIMEOUT, at="end")))
    started = time.monotonic()
    result = invoke_once(rs, sleepy_function, {})
    assert result["payload"]["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result["payload"]["errorMessage"]
    assert "handler ran" in result["log"] and 1.0 <= time.monotonic() - started < 3.0


def test_latency_delays_the_handler_within_its_timeout(rs, sleepy_function: str) -> None:
    rs.control.set_faults(sleepy_function, policy(FaultRule(FaultKind.LATENCY, latency_ms=(400, 400))))
    result = invoke_once(rs, sleepy_function, {})
    assert result["error"] is None
    assert 400 <= 1000 - result["payload"]["remaining_ms"] < 900  # the sleep counted against the timeout


def test_a_held_cold_start_ends_when_its_policy_is_lifted(rs, sleepy_function: str) -> None:
    """A slow cold start (latency at init) waits outside the function timeout; lifting the policy lets it go, which
    is how a test holds an invocation back for exactly as long as it needs to."""
    rs.control.set_faults(sleepy_function, policy(FaultRule(FaultKind.LATENCY, at="init", latency_ms=(60_000, 60_000))))
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(invoke_once, rs, sleepy_function, {})
        time.sleep(0.5)
        assert not held.done()
        released_at = time.monotonic()
        rs.control.clear_faults(sleepy_function)
        result = held.result(timeout=30)
    assert result["error"] is None and result["payload"]["remaining_ms"] > 900  # the wait was not the function's
    assert time.monotonic() - released_at < 10


def test_step_functions_retries_a_throttled_step_as_lambda_too_many_requests(rs) -> None:
    rs.control.set_faults(rs.parts.function_name("ProcessPayment"), policy(FaultRule(FaultKind.THROTTLE, max_count=2)))
    result = rs.checkout(rs.order("happy"))
    assert result.status == "SUCCEEDED", result.cause
    failures = [
        event["lambdaFunctionFailedEventDetails"]
        for page in rs.sfn.get_paginator("get_execution_history").paginate(executionArn=result.arn)
        for event in page["events"]
        if event["type"] == "LambdaFunctionFailed"
    ]
    assert [f["error"] for f in failures] == ["Lambda.TooManyRequestsException"] * 2
    assert "Status Code: 429; Error Code: TooManyRequestsException" in failures[0]["cause"]


def test_a_crash_after_the_charge_is_refunded_never_charged_twice(rs) -> None:
    crash_once = policy(FaultRule(FaultKind.CRASH_AFTER, max_count=1))
    rs.control.set_faults(rs.parts.function_name("ProcessPayment"), crash_once)
    order = rs.order("happy")
    result = rs.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CheckoutFailed")
    assert result.path[1:3] == ("ProcessPayment", "RefundPayment")
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.charges, snapshot.refunds, snapshot.net_charge_minor, snapshot.status) == (1, 1, 0, "FAILED")


def test_a_crash_after_the_pivot_is_retried_and_replayed(rs) -> None:
    rs.control.set_faults(rs.parts.function_name("ConfirmOrder"), policy(FaultRule(FaultKind.CRASH_AFTER, max_count=1)))
    order = rs.order("happy")
    result = rs.checkout(order)
    assert result.status == "SUCCEEDED", result.cause
    snapshot = rs.snapshot(order["order_id"])
    assert (snapshot.status, snapshot.charges, snapshot.refunds, snapshot.reservation_status) == (
        "CONFIRMED", 1, 0, "RESERVED"
    )
    history = [e["type"] for p in rs.sfn.get_paginator("get_execution_history").paginate(executionArn=result.arn)
               for e in p["events"]]
    assert history.count("LambdaFunctionFailed") == 1  # the crash; the retry replayed the stored result


def test_a_fault_on_the_express_workflow_surfaces_to_the_sync_caller(rs) -> None:
    rs.control.set_faults(rs.parts.function_name("ValidateOrder"), policy(FaultRule(FaultKind.FAIL_BEFORE)))
    assert rs.parts.validation_arn is not None
    response = rs.sfn.start_sync_execution(
        stateMachineArn=rs.parts.validation_arn, input=json.dumps(rs.order("happy"))
    )
    assert (response["status"], response["error"]) == ("FAILED", "InjectedFault")
    again = wait_for_execution(rs.sfn, rs.start(rs.order("happy")))
    assert (again.status, again.error) == ("FAILED", "CheckoutFailed")


def test_an_invocation_never_queues_behind_busy_workers_for_long(rs, slow_function: str, lambda_pool_size) -> None:
    """Lambda scales out instead of queueing: with every warm worker hung, another invocation still runs
    within about a second (an extra worker), not after the hung ones time out."""
    workers = lambda_pool_size
    rs.control.set_faults(slow_function, policy(FaultRule(FaultKind.TIMEOUT, at="start", max_count=workers)))
    with ThreadPoolExecutor(workers) as pool:
        hung = [pool.submit(invoke_once, rs, slow_function, {}) for _ in range(workers)]  # every worker of the pool
        time.sleep(0.5)
        started = time.monotonic()
        result = invoke_once(rs, slow_function, {})
        waited = time.monotonic() - started
        assert result["error"] is None and waited < 2.5, waited
        assert [f.result()["payload"]["errorType"] for f in hung] == ["Sandbox.Timedout"] * workers
