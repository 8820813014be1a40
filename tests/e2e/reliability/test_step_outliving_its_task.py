"""A step whose work lands after its Step Functions task timed out, and after the saga compensated it.

Step Functions gives each Lambda task the function's timeout plus 5 s (15 s here), but a cold start's init
phase has 10 s of its own on top of the function timeout: a slow init followed by a slow run outlives the
task. The task then times out (States.Timeout), the rollback runs and finds nothing to undo yet, and the
invocation still runs to the end afterwards.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults

pytestmark = pytest.mark.e2e

# A 9.5 s cold start (AWS allows 10) and 8 s of work (the function timeout is 10 s): the charge lands some
# 17.5 s after the task started, well after its 15 s timeout and the rollback that followed.
SLOW_COLD_START = FaultRule(FaultKind.LATENCY, at="init", latency_ms=(9500, 9500), max_count=1)
SLOW_RUN = FaultRule(FaultKind.LATENCY, at="start", latency_ms=(8000, 8000), max_count=1)


def test_a_charge_that_lands_after_its_task_timed_out_is_still_undone(
    rs, started_at: datetime, check
) -> None:
    rs.control.set_faults(rs.parts.function_name("ProcessPayment"), RandomFaults(0, (SLOW_COLD_START, SLOW_RUN)))
    order = rs.order("happy")
    result = rs.checkout(order)
    assert (result.status, result.error) == ("FAILED", "CheckoutFailed")
    assert "States.Timeout" in (result.cause or "")
    assert _outlived_invocation_ended(rs, started_at), "the late ProcessPayment invocation never ended"
    report = check([result.arn])
    assert report.ok, report.violations


def _outlived_invocation_ended(rs, since: datetime, timeout_s: float = 20.0) -> bool:
    """Lambda logs a REPORT when an invocation ends (the handlers log in JSON: a platform.report record); this test
    makes exactly one invocation of ProcessPayment."""
    logs = rs.clients.client("logs")
    group = f"/aws/lambda/{rs.parts.function_name('ProcessPayment')}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pages = logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, startTime=int(since.timestamp() * 1000)
        )
        if any('"type":"platform.report"' in event["message"] for page in pages for event in page["events"]):
            return True
        time.sleep(0.5)
    return False
