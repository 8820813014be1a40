"""sagactl/rollbacks.py: a rollback names its origin; a recovery's execution name is derived from its dead letter."""

from __future__ import annotations

import json
import re

from asl.rollback_builder import rollback_input
from sagactl.rollbacks import origin_of, recovery_execution_name


def test_a_rollbacks_input_names_its_origin_and_reason():
    text = json.dumps(rollback_input('{"order_id": "o-1"}', "arn:origin", "TIMED_OUT"))
    assert origin_of(text) == ("arn:origin", "TIMED_OUT")
    assert origin_of('{"order_id": "o-1"}') is None
    assert origin_of("not json") is None and origin_of(None) is None


def test_a_recovery_name_is_stable_per_letter_distinct_across_letters_and_valid():
    letter = json.dumps({"executionArn": "arn:a", "orderId": "o-1", "failedCompensation": "RefundPayment"})
    other = json.dumps({"executionArn": "arn:b", "orderId": "o-1", "failedCompensation": "RefundPayment"})
    assert recovery_execution_name("o-1", letter) == recovery_execution_name("o-1", letter)
    assert recovery_execution_name("o-1", letter) != recovery_execution_name("o-1", other)
    long_and_odd = recovery_execution_name("o 1/" + "x" * 200, letter)
    assert len(long_and_odd) <= 80 and re.fullmatch(r"[A-Za-z0-9_-]+", long_and_odd)
