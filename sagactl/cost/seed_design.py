"""The seed's two-step design, for comparison: the article's CDK sketch, as a definition for the same handlers.

    processPayment.next(reserveInventory.addCatch(refundPayment))

ProcessPayment, then ReserveInventory; any error of the reservation runs RefundPayment, which ends the
execution. No validation, no confirmation, no retries, no escalation: it is what the saga replaced, priced
here with the same handlers and the same state shape, so the comparison is only about orchestration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asl.query_language import STEP_PAYLOAD

SEED_FUNCTIONS = ("process_payment", "reserve_inventory", "refund_payment")


def seed_definition(function_arns: Mapping[str, str], timeout_seconds: int = 15) -> dict[str, Any]:
    """Input: {"order": <validated order>, "results": {}} (what the saga's steps receive)."""

    def task(module: str, result_path: str, next_state: str | None) -> dict[str, Any]:
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": function_arns[module],
            "TimeoutSeconds": timeout_seconds,
            "Parameters": dict(STEP_PAYLOAD),
            "ResultPath": result_path,
        }
        if next_state is None:
            state["End"] = True
        else:
            state["Next"] = next_state
        return state

    reserve = task("reserve_inventory", "$.results.ReserveInventory", None)
    reserve["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "RefundPayment", "ResultPath": "$.failure"}]
    return {
        "Comment": "The seed's two-step design: ProcessPayment -> ReserveInventory, Catch -> RefundPayment.",
        "StartAt": "ProcessPayment",
        "States": {
            "ProcessPayment": task("process_payment", "$.results.ProcessPayment", "ReserveInventory"),
            "ReserveInventory": reserve,
            "RefundPayment": task("refund_payment", "$.results.RefundPayment", None),
        },
    }
