"""Recover escalated sagas: re-run, from each dead-letter message, the compensations still pending.

Step Functions' own answer would be RedriveExecution (AWS, since 2023): it resumes a failed Standard execution
from the state that failed. moto has no redrive (no redrive_execution in its backend), and a redrive resumes
the *execution's* path, which here ends in the escalation's Fail state anyway. So recovery does what the state
machine would have done had the compensation succeeded: for each pending compensation, in order, it invokes
that compensation's Lambda with the payload shape the state machine uses, {"order": <normalized order>,
"results": {}}. The order is the execution's input, normalized by the saga's own validate function (exactly
what ValidateOrder put in the state). `results` stays empty: compensations find what to undo by order id
(see handlers/refund_payment.py, release_inventory.py), and they are idempotent, so a recovery may be re-run.

A message is deleted only once every pending compensation succeeded; otherwise it becomes visible again for
the next attempt, and the report says why. A confirmed order is never compensated (see `recover`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devstack.clients import AwsClients
from sagactl.discovery import SagaStack
from sagactl.reliability import dead_letters
from sagactl.reliability.dead_letters import DeadLetter
from sagactl.reliability.store_snapshot import OrderSnapshot, order_snapshot
from sagactl.text_table import render_table

# Hidden from other readers while we work on them; compensations take well under a second each.
_LEASE_SECONDS = 300


@dataclass(frozen=True)
class RecoveryResult:
    message_id: str
    execution_arn: str | None
    order_id: str | None
    compensations: tuple[str, ...]
    recovered: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "execution_arn": self.execution_arn,
            "order_id": self.order_id,
            "compensations": list(self.compensations),
            "recovered": self.recovered,
            "detail": self.detail,
        }


class _CannotRecover(Exception):
    pass


def recover(
    clients: AwsClients, stack: SagaStack, execution_arns: set[str] | None = None, discard_confirmed: bool = False
) -> list[RecoveryResult]:
    """Recovers every dead letter (or only those of `execution_arns`); returns what happened to each.

    A letter whose order is CONFIRMED is never compensated (a confirmed order must not be undone, and the
    compensations refuse it). If the order is whole (charged once, its stock held), `discard_confirmed`
    deletes the letter: typically a redelivered order whose other execution confirmed it. Otherwise it stays
    for an operator, with the reason.
    """
    sqs = clients.client("sqs")
    letters = dead_letters.lease(sqs, stack.dead_letter_queue_url, _LEASE_SECONDS, long_poll=not clients.endpoint_url)
    mine = [letter for letter in letters if execution_arns is None or letter.execution_arn in execution_arns]
    dead_letters.release(sqs, stack.dead_letter_queue_url, [letter for letter in letters if letter not in mine])
    results = []
    for letter in mine:
        result = _recover_one(clients, stack, letter, discard_confirmed)
        if result.recovered:
            dead_letters.delete(sqs, stack.dead_letter_queue_url, letter)
        else:
            dead_letters.release(sqs, stack.dead_letter_queue_url, [letter])
        results.append(result)
    return results


def _recover_one(clients: AwsClients, stack: SagaStack, letter: DeadLetter, discard_confirmed: bool) -> RecoveryResult:
    def result(recovered: bool, detail: str) -> RecoveryResult:
        return RecoveryResult(
            letter.message_id, letter.execution_arn, letter.order_id, letter.pending_compensations, recovered, detail
        )

    try:
        unknown = [name for name in letter.pending_compensations if name not in stack.function_arns]
        if not letter.execution_arn or not letter.order_id or not letter.pending_compensations or unknown:
            raise _CannotRecover(f"message names no execution, no order or unknown compensations: {letter.body}")
        order = _normalized_order(clients, stack, letter.execution_arn)
        if order.get("order_id") != letter.order_id:
            raise _CannotRecover(f"the execution is for order {order.get('order_id')!r}, not {letter.order_id!r}")
        snapshot = order_snapshot(clients.dynamodb, stack.tables, letter.order_id)
        if snapshot.status == "CONFIRMED":
            return _confirmed(result, snapshot, order, discard_confirmed)
        done = []
        for compensation in letter.pending_compensations:
            outcome = _invoke(clients, stack.function_arns[compensation], {"order": order, "results": {}})
            done.append(f"{compensation}: {outcome.get('status', 'done')}")
    except _CannotRecover as problem:
        return result(False, str(problem))
    return result(True, "; ".join(done))


def _confirmed(
    result: Callable[[bool, str], RecoveryResult], snapshot: OrderSnapshot, order: dict[str, Any], discard: bool
) -> RecoveryResult:
    ordered = {line["sku"]: line["quantity"] for line in order.get("items", [])}
    whole = (
        snapshot.charges == 1
        and snapshot.net_charge_minor == order.get("total_minor")
        and snapshot.reservation_status == "RESERVED"
        and snapshot.reserved == ordered
    )
    if not whole:
        return result(
            False,
            f"the order is CONFIRMED but not whole (net charge {snapshot.net_charge_minor}, reservation "
            f"{snapshot.reservation_status} {snapshot.reserved}): compensations must not run; needs an operator",
        )
    if not discard:
        return result(False, "the order is CONFIRMED and whole: nothing to compensate (--discard-confirmed drops this)")
    return result(True, "discarded: the order is CONFIRMED and whole, so no compensation applies")


def _normalized_order(clients: AwsClients, stack: SagaStack, execution_arn: str) -> dict[str, Any]:
    try:
        raw = clients.stepfunctions.describe_execution(executionArn=execution_arn)["input"]
    except clients.stepfunctions.exceptions.ExecutionDoesNotExist:
        raise _CannotRecover(f"execution {execution_arn} does not exist (history expired?)") from None
    return _invoke(clients, stack.function_arns["ValidateOrder"], json.loads(raw))


def _invoke(clients: AwsClients, function_arn: str, payload: Any) -> dict[str, Any]:
    response = clients.client("lambda").invoke(FunctionName=function_arn, Payload=json.dumps(payload).encode())
    body = json.loads(response["Payload"].read() or b"null")
    if response.get("FunctionError"):
        error = body if isinstance(body, dict) else {}
        name = function_arn.split(":")[6]
        raise _CannotRecover(f"{name} failed: {error.get('errorType')}: {error.get('errorMessage')}")
    return body if isinstance(body, dict) else {}


def render_recoveries(results: list[RecoveryResult]) -> str:
    if not results:
        return "the dead-letter queue is empty: nothing to recover"
    rows = [
        (r.order_id or "-", ",".join(r.compensations), "recovered" if r.recovered else "KEPT", r.detail)
        for r in results
    ]
    return render_table(("order", "pending", "result", "detail"), rows)
