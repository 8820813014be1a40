"""`trace` on real executions of the deployed stack: the timeline and the picture match what happened."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sagactl.audit import load_trail, write_pictures
from sagactl.audit.timeline import VisitResult

pytestmark = pytest.mark.e2e
SVG = "{http://www.w3.org/2000/svg}"


def test_escalated_rollback_trail(stack, tmp_path):
    order = stack.order("out-of-stock")
    with stack.misconfigured("refund_payment", PAYMENTS_TABLE_NAME="no-such-table"):
        result = stack.checkout(order)
    trail = load_trail(stack.clients, result.arn)
    visits = {visit.name: visit for visit in trail.timeline.visits}
    assert trail.path == result.path
    reserve = visits["ReserveInventory"]
    assert (reserve.result, reserve.error.error, reserve.next_state) == (
        VisitResult.CAUGHT, "InventoryDepletedException", "RefundPayment")
    refund = visits["RefundPayment"]
    assert trail.is_compensation(refund) and not trail.is_compensation(reserve)
    # The deployed compensation retrier: 8 retries after the first attempt, every one failing the same way.
    assert len(refund.attempts) == 9 and refund.retries == 8
    assert {a.error.error for a in refund.attempts} == {"ResourceNotFoundException"}
    assert refund.next_state == "EscalateRefundPayment"  # JSONata: no stack-trace stripping states before it
    assert trail.outcome.error.error == "CompensationFailed"

    pictures = write_pictures(trail, tmp_path)
    svg = next(p for p in pictures if p.suffix == ".svg")
    nodes = {
        group.get("id").removeprefix("state-"): set(group.get("class", "").split())
        for group in ET.parse(svg).getroot().iter(f"{SVG}g")
        if (group.get("id") or "").startswith("state-")
    }
    taken = {name for name, classes in nodes.items() if "taken" in classes}
    assert taken == set(result.path)
    assert "compensation" in nodes["RefundPayment"] and "failed" in nodes["RefundPayment"]
    assert "not-taken" in nodes["ConfirmOrder"]


def test_happy_trail_has_no_compensation(stack):
    result = stack.checkout(stack.order("happy"))
    trail = load_trail(stack.clients, result.arn)
    assert [v.result for v in trail.timeline.visits] == [VisitResult.SUCCEEDED] * 4
    assert trail.compensations_run == ()
    assert trail.outcome.status == "SUCCEEDED"
