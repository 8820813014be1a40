"""The demo's HTTP scenario: a checkout through the checkout API (SigV4-signed), its status, a resubmission after
it ended (409) and an unsigned request (403)."""

from __future__ import annotations

import json

from devstack.executions import wait_for_execution
from devstack.http_api import call
from sagactl.local.scenarios import HAPPY_PATH, DemoRun, ScenarioOutcome, _expect, _outcome


def http_checkout(run: DemoRun) -> ScenarioOutcome:
    stack = run.stack
    base, region = str(stack.outputs["checkoutApiUrl"]), stack.region
    order = run.order("http", "http")
    body = json.dumps(order)
    started = call("POST", f"{base}/checkouts", body, region=region)
    problems: list[str] = []
    _expect(problems, started.status == 202, f"POST /checkouts: expected 202, got {started.status} {started.body}")
    if started.status != 202:
        return ScenarioOutcome("HTTP checkout", f"HTTP {started.status}", "", 0.0, tuple(problems))
    result = wait_for_execution(stack.clients.stepfunctions, started.json()["executionArn"])
    status = call("GET", f"{base}/checkouts/{order['order_id']}", region=region)
    answer = status.json() if status.status == 200 else {}
    _expect(problems, answer.get("status") == "SUCCEEDED", f"GET status: {status.status} {status.body}")
    _expect(problems, bool((answer.get("result") or {}).get("payment_id")), f"no payment id in {answer}")
    _expect(problems, result.path == HAPPY_PATH, f"expected path {HAPPY_PATH}, got {result.path}")
    again = call("POST", f"{base}/checkouts", body, region=region)
    _expect(problems, again.status == 409, f"a finished order resubmitted: expected 409, got {again.status}")
    unsigned = call("POST", f"{base}/checkouts", body, region=region, sign=False)
    _expect(problems, unsigned.status == 403, f"unsigned: expected 403, got {unsigned.status}")
    outcome = _outcome("HTTP checkout", result, problems)
    summary = f"202 → {outcome.status}; again 409, unsigned 403"
    return ScenarioOutcome(outcome.scenario, summary, outcome.path, outcome.duration_s, outcome.problems)
