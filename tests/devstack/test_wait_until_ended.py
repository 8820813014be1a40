"""Waiting for a thousand executions (chaos, check --wait): the RUNNING list changes while it is being paged.

devstack.executions.wait_until_ended is the one wait for many executions; these are its cases that chaos runs
met (docs/reliability.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from devstack.executions import wait_until_ended

MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:checkout"
LISTING = {"stateMachineArn": MACHINE, "statusFilter": "RUNNING", "maxResults": 1000}


def running(*names: str) -> dict[str, object]:
    started = datetime(2026, 11, 26, tzinfo=UTC)
    return {
        "executions": [
            {"executionArn": f"{MACHINE}:{n}", "stateMachineArn": MACHINE, "name": n, "status": "RUNNING",
             "startDate": started}
            for n in names
        ]
    }


@pytest.fixture
def sfn():
    return boto3.client("stepfunctions", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_a_listing_invalidated_between_pages_is_polled_again(sfn) -> None:
    with Stubber(sfn) as stub:
        stub.add_response("list_executions", {**running("a", "b"), "nextToken": "t1"}, LISTING)
        stub.add_client_error("list_executions", "InvalidToken", "Invalid Token: Resource not found!")
        stub.add_response("list_executions", running("b"), LISTING)
        stub.add_response("list_executions", running(), LISTING)

        left = wait_until_ended(sfn, MACHINE, [f"{MACHINE}:a", f"{MACHINE}:b"], timeout_s=5)

        assert left == []
        stub.assert_no_pending_responses()


def test_other_errors_are_not_swallowed(sfn) -> None:
    with Stubber(sfn) as stub:
        stub.add_client_error("list_executions", "AccessDeniedException", "no")
        with pytest.raises(sfn.exceptions.ClientError, match="AccessDenied"):
            wait_until_ended(sfn, MACHINE, [f"{MACHINE}:a"], timeout_s=5)
