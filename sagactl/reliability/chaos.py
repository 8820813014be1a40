"""A chaos run: many concurrent sagas with random faults in every Lambda, then the invariant check.

1. stock SKUs of the run's own and take the baseline; 2. put a seeded fault policy on every saga function;
3. submit the orders (and their redeliveries), at most `concurrency` executions in flight; 4. wait for all of
them; 5. lift the faults and read how many of each kind were injected; 6. check the invariants; 7. recover
the escalations through the dead-letter queue and check again (the figures show both checks).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from devstack.clients import AwsClients
from devstack.control import EmulatorControl
from devstack.domain import seed_stock
from devstack.executions import ExecutionTimeout, describe_when_ended, start_execution, wait_until_ended
from sagactl import progress
from sagactl.discovery import SagaStack
from sagactl.reliability.chaos_faults import chaos_policy
from sagactl.reliability.chaos_orders import ChaosOrders, Submission, build_orders, order_prefix
from sagactl.reliability.check_run import render_report, run_check
from sagactl.reliability.execution_records import describe_all
from sagactl.reliability.invariants import CheckReport
from sagactl.reliability.operator_stops import OperatorStops, outlive_stopped_steps, wait_for_rollbacks
from sagactl.reliability.recovery import RecoveryResult, recover, render_recoveries
from sagactl.reliability.store_snapshot import stock_levels
from sagactl.text_table import render_table

_STARTER_THREADS = 16
_HISTORY_THREADS = 16
# How often each starter thread asks whether its execution ended, when concurrency is bounded.
_END_POLL_S = 0.5
# Effects are stamped by the Lambda workers' clocks, executions by the emulator's: same machine, but leave
# a margin so that nothing of this run falls before its own start.
_CLOCK_MARGIN = timedelta(seconds=2)


@dataclass(frozen=True)
class ChaosSettings:
    sagas: int = 200
    concurrency: int = 50  # executions in flight at once
    seed: int = 7
    fault_rate: float = 0.1  # chance that an invocation fails (split between kinds: chaos_faults)
    latency_rate: float = 0.1
    redelivery_share: float = 0.0  # orders delivered again (same name or new names)
    mid_flight: bool = False  # also kill handlers mid-flight (after their 2nd or 3rd AWS call)
    timeout_s: float = 1800.0
    recover: bool = True
    operator_stop_rate: float = 0.0  # share of the executions an operator stops at a random moment (operator_stops)


@dataclass
class ChaosFigures:
    settings: ChaosSettings
    run_id: str
    started_at: str
    duration_s: float = 0.0
    orders_by_kind: dict[str, int] = field(default_factory=dict)
    submissions: int = 0
    redeliveries: int = 0
    redeliveries_deduplicated: int = 0  # same name while running: AWS returns the running execution
    redeliveries_rejected: int = 0  # same name after it ended: ExecutionAlreadyExists
    executions: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)
    lambda_invocations: int = 0
    retries: int = 0  # Lambda invocations beyond the first per state entered (Retry at work)
    compensated: int = 0  # executions that ran at least one compensation
    check: CheckReport | None = None
    recoveries: list[RecoveryResult] = field(default_factory=list)
    check_after_recovery: CheckReport | None = None

    @property
    def violations(self) -> int:
        final = self.check_after_recovery or self.check
        return len(final.violations) if final else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": vars(self.settings),
            "run_id": self.run_id,
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 1),
            "orders_by_kind": self.orders_by_kind,
            "submissions": self.submissions,
            "redeliveries": self.redeliveries,
            "redeliveries_deduplicated": self.redeliveries_deduplicated,
            "redeliveries_rejected": self.redeliveries_rejected,
            "executions": self.executions,
            "outcomes": self.outcomes,
            "faults_injected": self.faults_injected,
            "faults_injected_total": sum(self.faults_injected.values()),
            "lambda_invocations": self.lambda_invocations,
            "retries": self.retries,
            "compensated": self.compensated,
            "check": self.check.to_json() if self.check else None,
            "recoveries": [r.to_json() for r in self.recoveries],
            "check_after_recovery": self.check_after_recovery.to_json() if self.check_after_recovery else None,
            "violations": self.violations,
        }


@dataclass
class _Started:
    arns: dict[str, Submission] = field(default_factory=dict)  # execution ARN -> its first submission
    deduplicated: int = 0
    rejected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stops: OperatorStops | None = None
    index_of: dict[int, int] = field(default_factory=dict)  # id(submission) -> its index (the stop plan's key)


def run_chaos(
    clients: AwsClients,
    stack: SagaStack,
    control: EmulatorControl,
    settings: ChaosSettings,
    log: Callable[[str], None] = progress,
) -> ChaosFigures:
    run_id = uuid.uuid4().hex[:8]
    started_at = datetime.now(UTC)
    orders = build_orders(run_id, settings.sagas, settings.seed, settings.redelivery_share)
    figures = ChaosFigures(settings, run_id, started_at.isoformat(timespec="seconds"))
    figures.orders_by_kind = orders.kinds
    figures.submissions, figures.redeliveries = len(orders.submissions), orders.redeliveries
    baseline = _stock_skus(clients, stack, orders)
    functions = list(stack.step_function_names.values())
    injected_before = control.fault_status().injected_by_kind(functions)
    log(f"chaos run {run_id}: {settings.sagas} orders, {orders.redeliveries} redeliveries, faults on {functions}")
    clock = time.monotonic()
    try:
        for index, function in enumerate(functions):
            calls_aws = function != stack.function_name("ValidateOrder")
            seed = settings.seed * 1000 + index
            mid_flight = settings.mid_flight and calls_aws
            policy = chaos_policy(seed, settings.fault_rate, settings.latency_rate, mid_flight)
            control.set_faults(function, policy)
        stops = None
        if settings.operator_stop_rate:
            stops = OperatorStops(settings.seed, settings.operator_stop_rate)
            stops.plan(len(orders.submissions))
        started = _submit_all(clients, stack, orders.submissions, settings, log, stops)
        started.index_of.clear()
    finally:
        for function in functions:
            control.clear_faults(function)
    if stops is not None and stops.aborted:
        log(f"{len(stops.aborted)} checkouts stopped by the operator; waiting for their rollbacks ...")
        if stack.rollback_arn is None:
            raise RuntimeError("operator stops need the stack's rollback workflow, and this stack has none")
        wait_for_rollbacks(clients.stepfunctions, stack.rollback_arn, stops.aborted, settings.timeout_s)
        outlive_stopped_steps(clients, stack.function_arns.values())
    figures.duration_s = time.monotonic() - clock
    injected_after = control.fault_status().injected_by_kind(functions)
    figures.faults_injected = {k: injected_after.get(k, 0) - injected_before.get(k, 0) for k in sorted(injected_after)}
    if stops is not None:
        figures.faults_injected["operator_stop"] = len(stops.aborted)
    figures.redeliveries_deduplicated, figures.redeliveries_rejected = started.deduplicated, started.rejected
    arns = list(started.arns)
    figures.executions = len(arns)
    log(f"all {len(arns)} executions ended after {figures.duration_s:.0f}s; reading outcomes and histories ...")
    records = describe_all(clients.stepfunctions, arns)
    figures.outcomes = dict(Counter(r.error or r.status for r in records).most_common())
    _count_invocations(clients, stack, arns, figures)
    since = started_at - _CLOCK_MARGIN
    own_orders = order_prefix(run_id)
    figures.check = run_check(clients, stack, arns, since, baseline, own_orders)
    if settings.recover and figures.check.dead_letters:
        log(f"recovering {figures.check.dead_letters} escalated saga(s) from the dead-letter queue ...")
        figures.recoveries = recover(clients, stack, set(arns))
        figures.check_after_recovery = run_check(clients, stack, arns, since, baseline, own_orders)
    return figures


def _stock_skus(clients: AwsClients, stack: SagaStack, orders: ChaosOrders) -> dict[str, int]:
    seed_stock(stack.tables.inventory, [{"sku": s, "stock": n} for s, n in orders.skus.items()], clients.dynamodb)
    levels = stock_levels(clients.dynamodb, stack.tables)
    return {sku: levels[sku] for sku in orders.skus}


def _submit_all(
    clients: AwsClients,
    stack: SagaStack,
    submissions: list[Submission],
    settings: ChaosSettings,
    say: Callable[[str], None],
    stops: OperatorStops | None = None,
) -> _Started:
    started = _Started(stops=stops, index_of={id(s): index for index, s in enumerate(submissions)})
    sfn = clients.stepfunctions
    if settings.concurrency >= len(submissions):
        with ThreadPoolExecutor(_STARTER_THREADS) as pool:
            list(pool.map(lambda s: _start(sfn, stack, s, started), submissions))
        still_running = wait_until_ended(sfn, stack.checkout_arn, list(started.arns), settings.timeout_s)
    else:
        deadline = time.monotonic() + settings.timeout_s
        with ThreadPoolExecutor(settings.concurrency) as pool:
            leftovers = pool.map(lambda s: _start_and_wait(sfn, stack, s, started, deadline), submissions)
            still_running = [arn for arn in leftovers if arn]
    if still_running:
        say(f"chaos: {len(still_running)} executions still running at the timeout")
    if stops is not None:
        stops.join()
    return started


def _start(sfn: Any, stack: SagaStack, submission: Submission, started: _Started) -> str | None:
    try:
        arn = start_execution(sfn, stack.checkout_arn, submission.order, submission.name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
        with started.lock:
            started.rejected += 1
        return None
    with started.lock:
        first = arn not in started.arns
        if first:
            started.arns[arn] = submission
        else:
            started.deduplicated += 1
    if first and started.stops is not None:
        started.stops.started(sfn, started.index_of[id(submission)], arn)
    return arn


def _start_and_wait(sfn: Any, stack: SagaStack, submission: Submission, started: _Started, deadline: float) -> str:
    """Returns the execution's ARN if it is still running at the deadline, else ""."""
    arn = _start(sfn, stack, submission, started)
    if not arn:
        return ""
    try:
        describe_when_ended(sfn, arn, max(0.0, deadline - time.monotonic()), _END_POLL_S, _END_POLL_S)
    except ExecutionTimeout:
        return arn
    return ""


def _count_invocations(clients: AwsClients, stack: SagaStack, arns: list[str], figures: ChaosFigures) -> None:
    lambda_states = set(stack.function_arns)
    compensations = {"ReleaseInventory", "RefundPayment"} & lambda_states

    def tally(arn: str) -> tuple[int, int, bool]:
        scheduled = entered = 0
        compensated = False
        for page in clients.stepfunctions.get_paginator("get_execution_history").paginate(executionArn=arn):
            for event in page["events"]:
                if event["type"] == "LambdaFunctionScheduled":
                    scheduled += 1
                name = (event.get("stateEnteredEventDetails") or {}).get("name")
                if name in lambda_states:
                    entered += 1
                    compensated = compensated or name in compensations
        return scheduled, entered, compensated

    with ThreadPoolExecutor(_HISTORY_THREADS) as pool:
        for scheduled, entered, compensated in pool.map(tally, arns):
            figures.lambda_invocations += scheduled
            figures.retries += scheduled - entered
            figures.compensated += compensated


def render_chaos(figures: ChaosFigures) -> str:
    s = figures.settings
    rows: list[tuple[str, object]] = [
        ("orders (first deliveries)", s.sagas),
        ("  by kind", _pairs(figures.orders_by_kind)),
        ("redeliveries sent", figures.redeliveries),
        ("  same name while running (same execution)", figures.redeliveries_deduplicated),
        ("  same name after the end (ExecutionAlreadyExists)", figures.redeliveries_rejected),
        ("executions", figures.executions),
        ("  by outcome", _pairs(figures.outcomes)),
        ("Lambda invocations", figures.lambda_invocations),
        ("faults injected", sum(figures.faults_injected.values())),
        ("  by kind", _pairs(figures.faults_injected)),
        ("retries (invocations beyond the first per state)", figures.retries),
        ("executions that compensated", figures.compensated),
        ("escalations (dead letters)", figures.check.dead_letters if figures.check else 0),
        ("  recovered", sum(r.recovered for r in figures.recoveries)),
        ("duration of the run", f"{figures.duration_s:.0f}s"),
    ]
    lines = [
        f"chaos run {figures.run_id}: seed {s.seed}, fault rate {s.fault_rate}, latency rate {s.latency_rate}, "
        f"concurrency {s.concurrency}, redeliveries {s.redelivery_share}, mid-flight kills {s.mid_flight}",
        render_table(("figure", "value"), rows),
        "",
    ]
    if figures.check:
        lines += ["invariant check after the run:", render_report(figures.check), ""]
    if figures.recoveries:
        lines += [render_recoveries(figures.recoveries), ""]
    if figures.check_after_recovery:
        lines += ["invariant check after recovery:", render_report(figures.check_after_recovery)]
    return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "-"
