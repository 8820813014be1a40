"""Recover escalated sagas through Step Functions: one rollback execution per dead letter.

Step Functions' own answer would be RedriveExecution (AWS, since 2023), but a redrive resumes the *execution's*
path, which here ends in the escalation's Fail state anyway. So recovery starts the saga's rollback workflow
(components/rollback_workflow.py) for the saga the letter is about, with that saga's input: the rollback runs every
compensation in reverse order with the saga's own idempotency keys (those already done are replayed, not redone),
retries and escalation, and it leaves an order past the pivot alone. Unlike invoking the Lambdas from here, that
leaves an execution history: `sagactl trace` shows the recovery, linked to the saga it repaired.

The rollback's execution name is derived from the dead letter, so recovering the same letter twice starts one
execution (a second start answers the first while it runs, ExecutionAlreadyExists once it ended: then its outcome
is read). A letter is deleted once its rollback succeeded, or once the rollback escalated in turn (its own dead
letter, naming the saga as its origin, replaces this one); otherwise it becomes visible again for the next attempt,
and the report says why. A CONFIRMED order is never compensated (see `recover`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asl.rollback_builder import rollback_input
from components.alias_routing import LIVE_ALIAS
from devstack.clients import AwsClients
from devstack.executions import ExecutionTimeout, wait_for_execution
from sagactl.discovery import SagaStack
from sagactl.reliability import dead_letters
from sagactl.reliability.dead_letters import DeadLetter
from sagactl.reliability.store_snapshot import OrderSnapshot, order_snapshot
from sagactl.rollbacks import recovery_execution_name
from sagactl.text_table import render_table

# Hidden from other readers while a rollback runs for them.
_LEASE_SECONDS = 900
DEFAULT_WAIT_SECONDS = 600.0


@dataclass(frozen=True)
class RecoveryResult:
    message_id: str
    execution_arn: str | None
    order_id: str | None
    compensations: tuple[str, ...]
    recovered: bool
    detail: str
    rollback_execution_arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "execution_arn": self.execution_arn,
            "order_id": self.order_id,
            "compensations": list(self.compensations),
            "recovered": self.recovered,
            "detail": self.detail,
            "rollback_execution_arn": self.rollback_execution_arn,
        }


# How a letter kept for an order that is nonetheless whole begins its detail: safe, an operator's call to drop.
CONFIRMED_AND_WHOLE = "the order is CONFIRMED and whole"


class _CannotRecover(Exception):
    pass


def recover(
    clients: AwsClients,
    stack: SagaStack,
    execution_arns: set[str] | None = None,
    discard_confirmed: bool = False,
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
) -> list[RecoveryResult]:
    """Recovers every dead letter (or only those about `execution_arns`, a saga's or its rollback's); returns what
    happened to each.

    A letter whose order is CONFIRMED is never compensated (a confirmed order must not be undone). If the order is
    whole (charged once, its stock held), `discard_confirmed` deletes the letter: typically a redelivered order whose
    other execution confirmed it. Otherwise it stays for an operator, with the reason.
    """
    sqs = clients.client("sqs")
    letters = dead_letters.lease(sqs, stack.dead_letter_queue_url, _LEASE_SECONDS, long_poll=not clients.endpoint_url)
    mine = [letter for letter in letters if execution_arns is None or _about(letter) & execution_arns]
    dead_letters.release(sqs, stack.dead_letter_queue_url, [letter for letter in letters if letter not in mine])
    results = []
    for letter in mine:
        result = _recover_one(clients, stack, letter, discard_confirmed, wait_seconds)
        if result.recovered:
            dead_letters.delete(sqs, stack.dead_letter_queue_url, letter)
        else:
            dead_letters.release(sqs, stack.dead_letter_queue_url, [letter])
        results.append(result)
    return results


def _about(letter: DeadLetter) -> set[str]:
    return {arn for arn in (letter.execution_arn, letter.origin_execution_arn) if arn}


def _recover_one(
    clients: AwsClients, stack: SagaStack, letter: DeadLetter, discard_confirmed: bool, wait_seconds: float
) -> RecoveryResult:
    rollback_arn: str | None = None

    def result(recovered: bool, detail: str) -> RecoveryResult:
        return RecoveryResult(letter.message_id, letter.saga_execution_arn, letter.order_id,
                              letter.pending_compensations, recovered, detail, rollback_arn)

    try:
        if stack.rollback_arn is None:
            raise _CannotRecover("the stack has no rollback workflow to recover with")
        saga_arn = letter.saga_execution_arn
        if not saga_arn or not letter.order_id or not letter.failed_compensation:
            raise _CannotRecover(f"message names no execution, no order or no compensation: {letter.body}")
        original_input = _input_of(clients, saga_arn)
        if _order_id_of(original_input) != letter.order_id:
            raise _CannotRecover(f"the execution is for order {_order_id_of(original_input)!r}, not "
                                 f"{letter.order_id!r}")
        snapshot = order_snapshot(clients.dynamodb, stack.tables, letter.order_id)
        if snapshot.status == "CONFIRMED":
            return _confirmed(result, snapshot, json.loads(original_input), discard_confirmed)
        name = recovery_execution_name(letter.order_id, json.dumps(letter.body, sort_keys=True))
        reason = f"recovery of {letter.failed_compensation}, escalated by {letter.execution_arn}"
        rollback_arn = _start(clients, stack.rollback_arn, name, rollback_input(original_input, saga_arn, reason))
        try:
            ended = wait_for_execution(clients.stepfunctions, rollback_arn, timeout_s=wait_seconds)
        except ExecutionTimeout:
            still = f"rollback {name} still running after {wait_seconds:.0f}s: recover again later"
            raise _CannotRecover(still) from None
    except _CannotRecover as problem:
        return result(False, str(problem))
    if ended.status == "SUCCEEDED":
        return result(True, _done(ended.output, ended.path))
    if ended.error == "CompensationFailed":
        return result(True, f"rollback {name} escalated again: its own dead letter (naming this saga) replaces this "
                      "one")
    return result(False, f"rollback {name} ended {ended.status} ({ended.error}): needs an operator")


def _start(clients: AwsClients, rollback_machine_arn: str, name: str, payload: dict[str, str]) -> str:
    sfn = clients.stepfunctions
    try:
        # Through the rollback's `live` alias, as every caller starts it; the execution belongs to the machine.
        started = sfn.start_execution(
            stateMachineArn=f"{rollback_machine_arn}:{LIVE_ALIAS}", name=name, input=json.dumps(payload)
        )
    except sfn.exceptions.ExecutionAlreadyExists:  # recovered before: that rollback is the answer
        return f"{rollback_machine_arn.replace(':stateMachine:', ':execution:')}:{name}"
    return str(started["executionArn"])


def _done(output: Any, path: tuple[str, ...]) -> str:
    if isinstance(output, dict) and output:
        return "; ".join(f"{step}: {result.get('status', 'done')}" for step, result in output.items()
                         if isinstance(result, dict))
    return f"nothing undone ({path[-1] if path else 'ended'})"


def _input_of(clients: AwsClients, execution_arn: str) -> str:
    try:
        return str(clients.stepfunctions.describe_execution(executionArn=execution_arn)["input"])
    except clients.stepfunctions.exceptions.ExecutionDoesNotExist:
        raise _CannotRecover(f"execution {execution_arn} does not exist (history expired?)") from None


def _order_id_of(execution_input: str) -> Any:
    try:
        document = json.loads(execution_input)
    except ValueError:
        return None
    return document.get("order_id") if isinstance(document, dict) else None


def _confirmed(
    result: Callable[[bool, str], RecoveryResult], snapshot: OrderSnapshot, order: dict[str, Any], discard: bool
) -> RecoveryResult:
    ordered = {line["sku"]: line["quantity"] for line in order.get("items", [])}
    total = sum(int(line["quantity"]) * int(line["unit_price_minor"]) for line in order.get("items", []))
    whole = (
        snapshot.charges == 1
        and snapshot.net_charge_minor == total
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
        return result(False, f"{CONFIRMED_AND_WHOLE}: nothing to compensate (--discard-confirmed drops this)")
    return result(True, "discarded: the order is CONFIRMED and whole, so no compensation applies")


def render_recoveries(results: list[RecoveryResult]) -> str:
    if not results:
        return "the dead-letter queue is empty: nothing to recover"
    rows = [
        (r.order_id or "-", ",".join(r.compensations), "recovered" if r.recovered else "KEPT", r.detail)
        for r in results
    ]
    return render_table(("order", "pending", "result", "detail"), rows)
