"""The link between a saga execution and the rollback executions that repaired it (components/rollback_workflow.py).

A rollback's input names its origin (`originExecutionArn`); the origin knows nothing of it, so finding the rollbacks
of an execution means reading the inputs of the rollback workflow's executions. Recoveries (`sagactl recover`) name
their rollback after the dead letter, so a repeated recovery of the same letter is the same execution.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from asl.rollback_builder import ORIGIN_EXECUTION, REASON

EXECUTION_NAME_MAX_LENGTH = 80
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def origin_of(execution_input: str | None) -> tuple[str, str] | None:
    """(origin execution ARN, reason) when the input is a rollback's; None otherwise."""
    try:
        document = json.loads(execution_input or "")
    except ValueError:
        return None
    if isinstance(document, dict) and isinstance(document.get(ORIGIN_EXECUTION), str):
        return document[ORIGIN_EXECUTION], str(document.get(REASON, ""))
    return None


def rollbacks_of(sfn: Any, rollback_arn: str, origin_arn: str) -> list[dict[str, Any]]:
    """The rollback executions (describe-execution answers, oldest first) whose origin is `origin_arn`."""
    found = []
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=rollback_arn):
        for listed in page["executions"]:
            described = sfn.describe_execution(executionArn=listed["executionArn"])
            origin = origin_of(described.get("input"))
            if origin and origin[0] == origin_arn:
                found.append(described)
    return sorted(found, key=lambda d: d["startDate"])


def recovery_execution_name(order_id: str, dead_letter_body: str) -> str:
    """A rollback's execution name derived from the dead letter: the same letter recovered twice starts one
    execution (Step Functions refuses, or returns, a second start under the same name)."""
    digest = hashlib.sha256(dead_letter_body.encode()).hexdigest()[:16]
    prefix = f"recover-{_NAME_UNSAFE.sub('_', order_id)}"[: EXECUTION_NAME_MAX_LENGTH - len(digest) - 1]
    return f"{prefix}-{digest}"
