"""The checkout API through real HTTP on the emulator: the deployed REST API, its mapping templates, its Step
Functions calls. Every route's happy path, duplicates, every bad input, a status query for every saga outcome, and
the reliability checker over HTTP-started sagas."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.executions import wait_for_execution
from devstack.http_api import HttpAnswer, call
from sagactl.reliability.check_run import run_check

pytestmark = pytest.mark.e2e


class Api:
    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.base = stack.outputs["checkoutApiUrl"]
        self.region = stack.local.region

    def post(self, path: str, body: Any, **options: Any) -> HttpAnswer:
        text = body if isinstance(body, str | bytes) else json.dumps(body)
        return call("POST", self.base + path, text, region=self.region, **options)

    def get(self, path: str, **options: Any) -> HttpAnswer:
        return call("GET", self.base + path, region=self.region, **options)

    def checkout(self, order: dict[str, Any]) -> dict[str, Any]:
        """Starts a checkout over HTTP, waits for its end, and answers the status query."""
        started = self.post("/checkouts", order)
        assert started.status == 202, started.body
        wait_for_execution(self.stack.sfn, started.json()["executionArn"], timeout_s=180)
        answer = self.get(f"/checkouts/{order['order_id']}")
        assert answer.status == 200, answer.body
        return answer.json()


@pytest.fixture(scope="module")
def api(stack) -> Api:
    return Api(stack)


def test_the_base_url_is_the_emulator_s_execute_api_path(api, stack):
    api_id = stack.clients.client("apigateway").get_rest_apis()["items"][0]["id"]
    assert api.base == f"{stack.endpoint_url}/_aws/execute-api/{api_id}/v1"


def test_a_checkout_is_accepted_with_where_to_ask_and_ends_confirmed(api, stack):
    order = stack.order("happy", prefix="http")
    started = api.post("/checkouts", order)
    assert started.status == 202
    body = started.json()
    assert body["orderId"] == order["order_id"]
    assert body["executionArn"] == f"{stack.local.checkout_arn.replace(':stateMachine:', ':execution:')}:" + (
        order["order_id"]
    )
    assert started.headers["Location"] == body["status"] == f"/v1/checkouts/{order['order_id']}"
    wait_for_execution(stack.sfn, body["executionArn"], timeout_s=180)
    status = api.get(f"/checkouts/{order['order_id']}").json()
    assert status["status"] == "SUCCEEDED"
    assert status["result"]["payment_id"].startswith("pay_")
    assert {"reservation_id", "confirmation_id"} <= set(status["result"])
    assert stack.snapshot(order["order_id"]).status == "CONFIRMED"


def test_resubmitting_a_running_order_is_the_same_execution_and_a_finished_one_is_a_conflict(api, stack):
    order = stack.order("happy", prefix="http-dup")
    first, again = api.post("/checkouts", order), api.post("/checkouts", order)
    assert first.status == again.status == 202
    assert first.json()["executionArn"] == again.json()["executionArn"]
    wait_for_execution(stack.sfn, first.json()["executionArn"], timeout_s=180)
    duplicate = api.post("/checkouts", order)
    assert duplicate.status == 409
    assert "already submitted" in duplicate.json()["message"]
    assert stack.snapshot(order["order_id"]).charges == 1


@pytest.mark.parametrize(
    ("outcome", "example", "error"),
    [("out of stock", "out-of-stock", "OutOfStock"), ("declined card", "declined", "PaymentDeclined")],
)
def test_a_failed_checkout_reports_its_business_outcome(api, stack, outcome, example, error):
    status = api.checkout(stack.order(example, prefix="http"))
    assert (status["status"], status["outcome"]) == ("FAILED", error), outcome
    assert status["reason"]


def test_an_invalid_order_that_can_name_an_execution_fails_as_order_invalid(api, stack):
    order = {**stack.order("invalid", prefix="http"), "order_id": f"http-invalid-{uuid.uuid4().hex[:8]}"}
    status = api.checkout(order)
    assert (status["status"], status["outcome"]) == ("FAILED", "OrderInvalid")
    assert any(error["field"] == "currency" for error in json.loads(status["reason"]))


def test_compensation_failures_and_unexpected_failures_are_reported(api, stack):
    order = stack.order("happy", prefix="http-unexpected")
    with stack.misconfigured("confirm_order", ORDERS_TABLE_NAME="no-such-table"):
        status = api.checkout(order)
    assert (status["status"], status["outcome"]) == ("FAILED", "CheckoutFailed")
    order = stack.order("out-of-stock", prefix="http-escalated")
    with stack.misconfigured("refund_payment", PAYMENTS_TABLE_NAME="no-such-table"):
        status = api.checkout(order)
    assert (status["status"], status["outcome"]) == ("FAILED", "CompensationFailed")


def test_a_checkout_in_flight_reports_running(api, stack):
    order = stack.order("happy", prefix="http-running")
    confirm = stack.function_name("confirm_order")
    slow = {"seed": 1, "rules": [{"kind": "latency", "probability": 1.0, "max_count": 1, "latency_ms": [4000, 4000]}]}
    stack.control.set_faults(confirm, slow)
    try:
        started = api.post("/checkouts", order)
        time.sleep(1)
        assert api.get(f"/checkouts/{order['order_id']}").json() == {"orderId": order["order_id"], "status": "RUNNING"}
        wait_for_execution(stack.sfn, started.json()["executionArn"], timeout_s=180)
    finally:
        stack.control.clear_faults(confirm)


def test_validation_answers_200_for_a_valid_order_and_422_with_every_error(api, stack):
    valid = api.post("/orders/validate", stack.order("happy", prefix="http-valid"))
    assert valid.status == 200
    assert valid.json()["valid"] is True and valid.json()["order"]["total_minor"] > 0
    invalid = api.post("/orders/validate", stack.order("invalid", prefix="http-invalid"))
    assert invalid.status == 422
    fields = {error["field"] for error in invalid.json()["errors"]}
    assert {"customer_id", "currency", "items.0.quantity"} <= fields
    not_an_object = api.post("/orders/validate", "[1, 2]")
    assert not_an_object.status == 400


def executions_of(stack, order_id: str) -> int:
    arns = stack.sfn.list_executions(stateMachineArn=stack.local.checkout_arn)["executions"]
    return sum(1 for execution in arns if execution["name"] == order_id)


@pytest.mark.parametrize(
    ("case", "body", "message"),
    [
        ("not JSON", "{not json", "not JSON"),
        ("no order id", {"customer_id": "c"}, "'order_id' is a required property"),
        ("order id not a string", {"order_id": 42}, "is not of type 'string'"),
        ("order id not an execution name", {"order_id": "ord 1!"}, "does not match"),
        ("order id too long", {"order_id": "o" * 81}, "does not match"),
    ],
)
def test_bad_checkout_requests_get_400_and_start_nothing(api, stack, case, body, message):
    before = len(stack.sfn.list_executions(stateMachineArn=stack.local.checkout_arn)["executions"])
    answer = api.post("/checkouts", body)
    assert answer.status == 400, case
    assert message in answer.json()["message"], case
    assert len(stack.sfn.list_executions(stateMachineArn=stack.local.checkout_arn)["executions"]) == before


def test_a_body_over_the_step_functions_input_limit_gets_400_and_starts_nothing(api, stack):
    order = {**stack.order("happy", prefix="http-big"), "note": "x" * 270_000}
    answer = api.post("/checkouts", order)
    assert answer.status == 400
    assert "262144 bytes" in answer.json()["message"]
    assert executions_of(stack, order["order_id"]) == 0


def test_unsigned_requests_get_403_on_every_route_and_start_nothing(api, stack):
    order = stack.order("happy", prefix="http-unsigned")
    for answer in (
        api.post("/checkouts", order, sign=False),
        api.post("/orders/validate", order, sign=False),
        api.get(f"/checkouts/{order['order_id']}", sign=False),
        api.get("/no/such/route", sign=False),
        api.post("/checkouts", order, sign=False, headers={"Authorization": "Bearer something"}),
    ):
        assert answer.status == 403
        assert "not signed" in answer.json()["message"]
    assert executions_of(stack, order["order_id"]) == 0


def test_unknown_routes_and_checkouts_get_404(api):
    assert api.get("/no/such/route").status == 404
    assert api.post("/refunds", {"order_id": "x"}).status == 404
    unknown = api.get("/checkouts/never-submitted-order")
    assert (unknown.status, unknown.json()) == (404, {"message": "no checkout for this order id"})


def test_no_client_mistake_is_answered_with_a_5xx(api):
    answers = [
        api.post("/checkouts", ""),
        api.post("/checkouts", "null"),
        api.post("/checkouts", {"order_id": ""}),
        api.post("/orders/validate", "{"),
        api.post("/checkouts", "<xml/>", headers={"Content-Type": "application/xml"}),
        api.get("/checkouts/" + "x" * 200),
    ]
    assert all(400 <= answer.status < 500 for answer in answers), [(a.status, a.body) for a in answers]


def test_every_request_leaves_a_json_access_log_line(api, stack):
    api.get("/checkouts/access-log-probe")
    group = "/aws/apigateway/checkout-saga-checkout-api-dev/access"
    logs = stack.clients.client("logs")
    deadline = time.monotonic() + 10
    while True:
        events = [e for e in logs.filter_log_events(logGroupName=group)["events"] if "access-log-probe" in e["message"]]
        if events or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    line = json.loads(events[-1]["message"])
    assert line["path"] == "/v1/checkouts/access-log-probe"
    assert (line["httpMethod"], line["resourcePath"], line["status"]) == ("GET", "/checkouts/{orderId}", "404")
    assert line["integrationStatus"] == "400"  # Step Functions' ExecutionDoesNotExist


def test_the_reliability_checker_sees_http_started_sagas(api, stack):
    prefix = f"http-check-{uuid.uuid4().hex[:6]}"
    since = datetime.now(UTC)
    orders = [stack.order(example, prefix=prefix) for example in ("happy", "out-of-stock", "declined", "happy")]
    arns = [api.post("/checkouts", order).json()["executionArn"] for order in orders]
    for arn in arns:
        wait_for_execution(stack.sfn, arn, timeout_s=180)
    report = run_check(stack.clients, stack.parts, since=since, order_prefix=prefix)
    assert report.ok, report.violations
    assert report.executions >= len(orders) and report.orders == len(orders)


def test_with_jwt_authorization_a_bearer_token_is_required_instead_of_a_signature():
    """The stack config alternative: a Cognito user-pool authorizer (presence of the token checked locally)."""
    from devstack.stack import FAST_RETRIES, in_subprocess

    pool = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_example"
    overrides = {
        **FAST_RETRIES,
        "checkout-saga:apiAuthorization": "JWT",
        "checkout-saga:apiJwtUserPoolArns": json.dumps([pool]),
    }
    with in_subprocess(config_overrides=overrides) as local:
        base, region = local.outputs["checkoutApiUrl"], local.region
        order = json.dumps({"order_id": "jwt-order-1", "items": []})
        unauthenticated = call("POST", f"{base}/orders/validate", order, region=region, sign=False)
        assert (unauthenticated.status, unauthenticated.json()) == (401, {"message": "no valid bearer token"})
        with_token = call(
            "POST", f"{base}/orders/validate", order, region=region, sign=False,
            headers={"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"},
        )
        assert with_token.status == 422  # through to the validation workflow: the order has no items
