"""The saga's invariants, checked against what the executions report and what the tables hold.

Every rule is stated from the outside, the way an auditor would: an execution's outcome is the promise made
to the client, the tables are what actually happened to the money and the goods, and the two must agree.

  terminal               every execution has ended (SUCCEEDED, FAILED, TIMED_OUT or ABORTED)
  success-confirmed      SUCCEEDED => the order is CONFIRMED
  success-charge         SUCCEEDED => exactly one charge, and the net charge equals the order total
  success-stock          SUCCEEDED => a RESERVED reservation of exactly the ordered quantities
  failure-charge         failed   => net charge 0 (nothing charged, or charged and fully refunded)
  failure-stock          failed   => no reservation held (none made, or RELEASED)
  failure-order          failed   => the order is FAILED (or was never recorded)
  escalation             CompensationFailed => a dead-letter message naming the execution, its order and the
                         failed compensation; once that message is gone (recovered), the failure rules apply.
                         A stopped execution whose rollback escalated is held to the same rule (the rollback's
                         dead letter names it as its origin)
  dead-letter            every dead-letter message names an execution that escalated (or a stopped one, through
                         its rollback), and its order
  effect-owner           every order record, ledger entry and reservation belongs to the order of an execution
                         that passed validation (no effect without an execution that owns it)
  settled                per order, whatever its executions said: a CONFIRMED order holds exactly one charge of
                         its total and a RESERVED reservation of its items; any other order holds no net charge
                         and no stock, unless one of its executions escalated (a compensation is pending)
  stock-conserved        for each SKU: stock before == available now + quantities held by RESERVED reservations
  idempotency            no powertools record is INPROGRESS without an in-progress expiry (stuck until the TTL);
                         a COMPLETED step record replays the ids the tables hold (no replay of a stale result)

A stopped execution (ABORTED or TIMED_OUT: Step Functions ran none of its compensations; the rollback workflow
does) is judged by what its order became: a CONFIRMED order was past the pivot (the rollback left it alone, forward
recovery), so the success rules apply; otherwise the failure rules.

A "failed" execution is any terminal one that did not succeed and did not escalate, except OrderInvalid,
which by definition touched nothing (effect-owner covers it). Redeliveries of one order under several
execution names are one saga delivered several times: when one of them SUCCEEDED, a failed sibling is
*superseded* (it is counted, not judged by the failure rules: the order is confirmed, and success-* and settled
check that the failed sibling undid nothing of it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from asl.checkout_saga import CHECKOUT_SAGA
from asl.saga_builder import compensations_in_rollback_order
from sagactl.reliability.dead_letters import DeadLetter
from sagactl.reliability.execution_records import ExecutionRecord
from sagactl.reliability.store_snapshot import OrderSnapshot, StoreState

ORDER_INVALID = CHECKOUT_SAGA.validation.invalid.outcome
COMPENSATION_FAILED = CHECKOUT_SAGA.escalation_outcome
IDEMPOTENT_STEPS = (
    *(step.name for step in CHECKOUT_SAGA.steps),
    *(compensation.name for compensation in compensations_in_rollback_order(CHECKOUT_SAGA)),
)
# Step -> (field of the stored result, where the tables keep the same id): a replay must return what exists.
_REPLAYED_IDS = {"ProcessPayment": ("payment_id", "charge"), "ReserveInventory": ("reservation_id", "reservation")}


# Ends Step Functions gives an execution without running its Catch (the rollback workflow compensates them).
STOPPED = ("ABORTED", "TIMED_OUT")


class Rule(StrEnum):
    TERMINAL = "terminal"
    SUCCESS_CONFIRMED = "success-confirmed"
    SUCCESS_CHARGE = "success-charge"
    SUCCESS_STOCK = "success-stock"
    FAILURE_CHARGE = "failure-charge"
    FAILURE_STOCK = "failure-stock"
    FAILURE_ORDER = "failure-order"
    ESCALATION = "escalation"
    DEAD_LETTER = "dead-letter"
    EFFECT_OWNER = "effect-owner"
    SETTLED = "settled"
    STOCK_CONSERVED = "stock-conserved"
    IDEMPOTENCY = "idempotency"


@dataclass(frozen=True)
class Violation:
    rule: Rule
    order_id: str | None
    execution_arn: str | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule.value, "order_id": self.order_id, "execution_arn": self.execution_arn,
                "detail": self.detail}


@dataclass(frozen=True)
class CheckScope:
    """What to account for. `since` leaves out effects recorded before (other runs on the same tables);
    `baseline_stock` (SKU -> available before the run) enables stock-conserved for those SKUs.
    `every_execution` says that `executions` are all the machine's (since `since`): only then can an effect
    without an owner be told apart from one owned by an execution left out, so when it is False and no
    `since` is given, effect-owner and settled only look at the orders of the executions given.
    `order_prefix` names a run's own orders (a chaos run's): effects on other orders are left out, whenever
    they were made, so that other work on the same tables around the run's start cannot be mistaken for it."""

    executions: list[ExecutionRecord]
    dead_letters: list[DeadLetter]
    store: StoreState
    since: datetime | None = None
    baseline_stock: dict[str, int] | None = None
    every_execution: bool = True
    order_prefix: str | None = None


@dataclass
class CheckReport:
    executions: int = 0
    orders: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    dead_letters: int = 0
    abandoned_in_progress_records: int = 0  # INPROGRESS with an expiry: left by a killed run, self-healing
    superseded_failures: int = 0  # failed redeliveries of an order another execution confirmed
    skus_checked: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_json(self) -> dict[str, Any]:
        return {
            "executions": self.executions,
            "orders": self.orders,
            "outcomes": dict(sorted(self.outcomes.items())),
            "dead_letters": self.dead_letters,
            "abandoned_in_progress_records": self.abandoned_in_progress_records,
            "superseded_failures": self.superseded_failures,
            "skus_checked": self.skus_checked,
            "violations": [v.to_json() for v in self.violations],
        }


def outcome_of(execution: ExecutionRecord) -> str:
    if execution.status == "FAILED" and execution.error:
        return execution.error
    return execution.status


def check(scope: CheckScope) -> CheckReport:
    checker = _Checker(scope)
    checker.run()
    return checker.report


class _Checker:
    def __init__(self, scope: CheckScope) -> None:
        self.scope = scope
        self.store = scope.store
        self.report = CheckReport(executions=len(scope.executions))
        self.letters_by_execution: dict[str, list[DeadLetter]] = {}
        for letter in scope.dead_letters:
            if letter.saga_execution_arn:  # a rollback's escalation counts for the saga it rolls back
                self.letters_by_execution.setdefault(letter.saga_execution_arn, []).append(letter)
        # Orders some execution really worked on: it passed validation (an invalid input has no owner rights).
        self.owned: dict[str, list[ExecutionRecord]] = {}
        for execution in scope.executions:
            if execution.order_id and outcome_of(execution) != ORDER_INVALID:
                self.owned.setdefault(execution.order_id, []).append(execution)
        self.pending_escalation = {
            execution.order_id
            for execution in scope.executions
            if execution.order_id and self.letters_by_execution.get(execution.arn)
        }

    def run(self) -> None:
        for execution in self.scope.executions:
            self.report.outcomes[outcome_of(execution)] += 1
            self._check_execution(execution)
        self._check_dead_letters()
        in_scope = self._orders_with_effects_in_scope()
        self.report.orders = len(in_scope | set(self.owned))
        for order_id in sorted(in_scope):
            self._check_effects_of(order_id)
        for order_id in sorted(self.owned):
            self._check_idempotency(order_id)
        self._check_stock()

    # --- per execution -------------------------------------------------------------------------------

    def _check_execution(self, execution: ExecutionRecord) -> None:
        order_id = execution.order_id
        if not execution.terminal:
            self._violation(Rule.TERMINAL, execution, f"still {execution.status}")
            return
        outcome = outcome_of(execution)
        if outcome == ORDER_INVALID or order_id is None:
            return  # nothing was done for it; any effect under its id must have another owner (effect-owner)
        snapshot = self.store.snapshot(order_id)
        past_the_pivot = execution.status in STOPPED and snapshot.status == "CONFIRMED"
        if execution.status == "SUCCEEDED" or past_the_pivot:
            self._check_success(execution, snapshot)
        elif (outcome == COMPENSATION_FAILED or execution.status in STOPPED) and self.letters_by_execution.get(
            execution.arn
        ):
            self._check_escalation(execution)
        elif any(e.status == "SUCCEEDED" for e in self.owned.get(order_id, [])):
            self.report.superseded_failures += 1
        else:
            self._check_failure(execution, snapshot)

    def _check_success(self, execution: ExecutionRecord, snapshot: OrderSnapshot) -> None:
        if snapshot.status != "CONFIRMED":
            self._violation(Rule.SUCCESS_CONFIRMED, execution, f"succeeded but the order is {snapshot.status}")
        total = execution.order_total_minor
        if snapshot.charges != 1 or snapshot.net_charge_minor != total:
            self._violation(
                Rule.SUCCESS_CHARGE,
                execution,
                f"succeeded with {snapshot.charges} charge(s), net {snapshot.net_charge_minor} (order total {total})",
            )
        ordered = execution.ordered_quantities
        if snapshot.reservation_status != "RESERVED" or snapshot.reserved != ordered:
            self._violation(
                Rule.SUCCESS_STOCK,
                execution,
                f"succeeded but the reservation is {snapshot.reservation_status} {snapshot.reserved} "
                f"(ordered {ordered})",
            )

    def _check_failure(self, execution: ExecutionRecord, snapshot: OrderSnapshot) -> None:
        context = f"{outcome_of(execution)}{self._other_outcomes(execution)}"
        if snapshot.net_charge_minor != 0:
            self._violation(
                Rule.FAILURE_CHARGE,
                execution,
                f"{context}: net charge {snapshot.net_charge_minor} "
                f"(charged {snapshot.charged_minor}, refunded {snapshot.refunded_minor})",
            )
        if snapshot.reservation_status == "RESERVED":
            self._violation(Rule.FAILURE_STOCK, execution, f"{context}: stock still reserved {snapshot.reserved}")
        if snapshot.status not in ("FAILED", None):
            self._violation(Rule.FAILURE_ORDER, execution, f"{context}: the order is {snapshot.status}")

    def _check_escalation(self, execution: ExecutionRecord) -> None:
        for letter in self.letters_by_execution[execution.arn]:
            if letter.order_id != execution.order_id or not letter.failed_compensation:
                self._violation(
                    Rule.ESCALATION,
                    execution,
                    f"dead letter {letter.message_id} names order {letter.order_id!r} and compensation "
                    f"{letter.failed_compensation!r}",
                )

    def _other_outcomes(self, execution: ExecutionRecord) -> str:
        others = [outcome_of(e) for e in self.owned.get(execution.order_id or "", []) if e.arn != execution.arn]
        return f" (other executions of this order: {', '.join(sorted(others))})" if others else ""

    # --- dead letters ------------------------------------------------------------------------------

    def _check_dead_letters(self) -> None:
        executions = {e.arn: e for e in self.scope.executions}
        for letter in self.scope.dead_letters:
            execution = executions.get(letter.saga_execution_arn or "")
            if execution is None:
                continue  # another run's escalation: not ours to judge
            self.report.dead_letters += 1
            if outcome_of(execution) != COMPENSATION_FAILED and execution.status not in STOPPED:
                detail = f"dead letter {letter.message_id} for a {outcome_of(execution)} execution"
                self._violation(Rule.DEAD_LETTER, execution, detail)

    # --- per order: effects, idempotency --------------------------------------------------------

    def _orders_with_effects_in_scope(self) -> set[str]:
        prefix = self.scope.order_prefix
        if prefix is not None:
            return {order_id for order_id in self.store.order_ids() if order_id.startswith(prefix)}
        since = self.scope.since
        if since is None and not self.scope.every_execution:
            return self.store.order_ids() & {e.order_id for e in self.scope.executions if e.order_id}
        if since is None:
            return self.store.order_ids()
        store = self.store
        recorded = [
            *((oid, item) for oid, item in store.orders.items()),
            *((oid, item) for oid, item in store.charges.items()),
            *((oid, item) for oid, item in store.reservations.items()),
        ]
        return {oid for oid, item in recorded if self._in_time_scope(item)} | (set(store.refunds) & set(self.owned))

    def _check_effects_of(self, order_id: str) -> None:
        snapshot = self.store.snapshot(order_id)
        if order_id not in self.owned:
            self._violation(
                Rule.EFFECT_OWNER,
                None,
                f"no execution in scope was started for this order, yet it has: {_effects(snapshot)}",
                order_id,
            )
            return
        outcomes = ", ".join(sorted(outcome_of(e) for e in self.owned[order_id]))
        if snapshot.status == "CONFIRMED":
            record = self.store.orders[order_id]
            items = {line["sku"]: int(line["quantity"]) for line in record.get("items", [])}
            charged_once = snapshot.charges == 1 and snapshot.net_charge_minor == record.get("total_minor")
            if not charged_once or snapshot.reservation_status != "RESERVED" or snapshot.reserved != items:
                self._violation(
                    Rule.SETTLED,
                    None,
                    f"order CONFIRMED (executions: {outcomes}) with {_effects(snapshot)}; expected one charge of "
                    f"{record.get('total_minor')} and {items} reserved",
                    order_id,
                )
        elif order_id not in self.pending_escalation and (
            snapshot.net_charge_minor != 0 or snapshot.reservation_status == "RESERVED"
        ):
            self._violation(
                Rule.SETTLED,
                None,
                f"order {snapshot.status} (executions: {outcomes}) still has {_effects(snapshot)}",
                order_id,
            )

    def _check_idempotency(self, order_id: str) -> None:
        for step in IDEMPOTENT_STEPS:
            record = self.store.idempotency_record(step, order_id)
            if record is None:
                continue
            if record.get("status") == "INPROGRESS":
                if record.get("in_progress_expiration") is None:
                    self._violation(
                        Rule.IDEMPOTENCY,
                        None,
                        f"{step} record is INPROGRESS with no in-progress expiry: blocked until its TTL",
                        order_id,
                    )
                else:
                    self.report.abandoned_in_progress_records += 1
            elif record.get("status") == "COMPLETED" and step in _REPLAYED_IDS:
                self._check_replay(step, order_id, record)

    def _check_replay(self, step: str, order_id: str, record: dict[str, Any]) -> None:
        id_field, table_item = _REPLAYED_IDS[step]
        try:
            replayed = json.loads(record.get("data") or "{}").get(id_field)
        except (ValueError, AttributeError):
            replayed = None
        source = self.store.charges if table_item == "charge" else self.store.reservations
        actual = (source.get(order_id) or {}).get(id_field)
        if replayed != actual:
            self._violation(
                Rule.IDEMPOTENCY,
                None,
                f"{step} would replay {id_field}={replayed} but the {table_item} is {actual}",
                order_id,
            )

    # --- stock ------------------------------------------------------------------------------------

    def _check_stock(self) -> None:
        baseline = self.scope.baseline_stock
        if baseline is None:
            return
        held: Counter[str] = Counter()
        for reservation in self.store.reservations.values():
            if reservation["status"] == "RESERVED" and self._in_time_scope(reservation):
                for line in reservation["items"]:
                    held[line["sku"]] += int(line["quantity"])
        for sku, before in sorted(baseline.items()):
            self.report.skus_checked += 1
            now = self.store.stock.get(sku)
            if now is None or now + held[sku] != before:
                self._violation(
                    Rule.STOCK_CONSERVED,
                    None,
                    f"{sku}: {before} before, {now} available + {held[sku]} reserved now",
                    None,
                )

    def _in_time_scope(self, item: dict[str, Any]) -> bool:
        created, since = _created_at(item), self.scope.since
        return since is None or created is None or created >= since

    def _violation(
        self, rule: Rule, execution: ExecutionRecord | None, detail: str, order_id: str | None = None
    ) -> None:
        order = order_id if order_id is not None else (execution.order_id if execution else None)
        self.report.violations.append(Violation(rule, order, execution.arn if execution else None, detail))


def _created_at(item: dict[str, Any]) -> datetime | None:
    value = item.get("created_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _effects(snapshot: OrderSnapshot) -> str:
    parts = [f"order {snapshot.status}"] if snapshot.status else []
    if snapshot.charges or snapshot.refunds:
        parts.append(f"charged {snapshot.charged_minor}, refunded {snapshot.refunded_minor}")
    if snapshot.reservation_status:
        parts.append(f"reservation {snapshot.reservation_status} {snapshot.reserved}")
    return "; ".join(parts) or "nothing"
