"""Malformed orders through both workflows: a clear OrderInvalid, no side effect, no unhandled error.

The CI sample is small and derandomized (the same inputs every run); `sagactl fuzz --examples N` runs the
same probe at full size with a fresh seed. That every generated input is invalid is checked without a stack
(tests/sagactl/reliability/test_malformed_orders.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.executions import wait_for_execution
from sagactl.reliability.fuzz import BadInputProbe
from sagactl.reliability.malformed_orders import MAX_INPUT_BYTES, is_oversized, malformed_orders

CI_BATCHES = 20  # of 4 to 8 inputs (at least 80), each through both workflows


pytestmark = pytest.mark.e2e


def test_malformed_orders_are_refused_cleanly_by_both_workflows(rs) -> None:
    probe = BadInputProbe(rs.clients, rs.parts)

    @settings(max_examples=CI_BATCHES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(malformed_orders(), min_size=4, max_size=8))
    def refused_cleanly(inputs: list[Any]) -> None:
        problems = probe.probe_batch(inputs)
        assert not problems, "\n".join(problems)

    refused_cleanly()
    assert probe.log_problems() == []
    figures = probe.figures
    assert figures.express_refused + figures.oversized_refused_at_api >= figures.inputs  # every one, by one path
    assert figures.inputs >= 4 * CI_BATCHES


@pytest.mark.parametrize("api", ["start_execution", "start_sync_execution"])
def test_input_over_256_kib_is_refused_at_the_api_like_aws(rs, api: str) -> None:
    order = {**rs.order("happy"), "notes": "x" * MAX_INPUT_BYTES}
    assert is_oversized(order)
    machine = rs.parts.checkout_arn if api == "start_execution" else rs.parts.validation_arn
    with pytest.raises(ClientError) as refused:
        getattr(rs.sfn, api)(stateMachineArn=machine, input=json.dumps(order))
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "Member must have size less than or equal to 262144 bytes" in error["Message"]
    assert rs.snapshot(order["order_id"]).status is None


def test_an_input_of_exactly_256_kib_is_accepted(rs) -> None:
    order = rs.order("happy")
    order["notes"] = ""
    order["notes"] = "x" * (MAX_INPUT_BYTES - len(json.dumps(order).encode()))
    assert len(json.dumps(order).encode()) == MAX_INPUT_BYTES
    result = wait_for_execution(rs.sfn, rs.start(order, f"{order['order_id']}-max"))
    # Accepted at the API, then refused by validation: "notes" is not a field of an order.
    assert (result.status, result.error) == ("FAILED", "OrderInvalid")
    assert rs.snapshot(order["order_id"]).status is None

def test_input_that_is_not_an_object_is_refused_as_an_invalid_order(rs) -> None:
    """Was finding 3 of docs/reliability.md: validation's catches wrote into the input, which fails when the
    input is no object (a States.* error instead of OrderInvalid). They now replace the state."""
    problems = BadInputProbe(rs.clients, rs.parts).probe_batch([None, 7, "an order", [1, 2], True])
    assert not problems, "\n".join(problems)
