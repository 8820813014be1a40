"""components/rollback_workflow.py: what triggers a rollback, checked before anything is created."""

from __future__ import annotations

import pytest

from components.rollback_workflow import RollbackWorkflowArgs, status_change_pattern


@pytest.mark.parametrize("statuses", [(), ("FAILED",), ("ABORTED", "SUCCEEDED")])
def test_only_the_ends_that_skip_the_sagas_catch_may_trigger_a_rollback(statuses):
    with pytest.raises(ValueError, match="a rollback is triggered by some of"):
        RollbackWorkflowArgs(
            saga=None,  # type: ignore[arg-type]
            functions={},
            timing=None,  # type: ignore[arg-type]
            logging=None,  # type: ignore[arg-type]
            saga_state_machine_arn="arn:saga",
            dead_letter_queue_url="url",
            dead_letter_queue_arn="arn:queue",
            account_id="123456789012",
            region="eu-west-1",
            trigger_statuses=statuses,
        )


def test_the_pattern_matches_the_sagas_status_changes_only():
    assert status_change_pattern("arn:saga", ["TIMED_OUT"]) == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["TIMED_OUT"], "stateMachineArn": ["arn:saga"]},
    }
