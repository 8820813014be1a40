"""Gather what the invariant checker reads (executions, dead letters, tables), run it, and render the report."""

from __future__ import annotations

from datetime import datetime

from devstack.clients import AwsClients
from sagactl.discovery import SagaStack
from sagactl.reliability import dead_letters
from sagactl.reliability.execution_records import describe_all, list_execution_arns
from sagactl.reliability.invariants import CheckReport, CheckScope, check
from sagactl.reliability.store_snapshot import read_store
from sagactl.text_table import render_table

_SHOWN_VIOLATIONS = 50


def gather(
    clients: AwsClients,
    stack: SagaStack,
    execution_arns: list[str] | None = None,
    since: datetime | None = None,
    baseline_stock: dict[str, int] | None = None,
    order_prefix: str | None = None,
) -> CheckScope:
    """Executions first and tables last: an effect an execution made is then always seen with it."""
    sfn = clients.stepfunctions
    arns = execution_arns if execution_arns is not None else list_execution_arns(sfn, stack.checkout_arn, since)
    executions = describe_all(sfn, arns)
    letters = dead_letters.peek(clients.client("sqs"), stack.dead_letter_queue_url, long_poll=not clients.endpoint_url)
    store = read_store(clients.dynamodb, stack.tables)
    return CheckScope(
        executions, letters, store, since, baseline_stock, every_execution=execution_arns is None,
        order_prefix=order_prefix,
    )


def run_check(
    clients: AwsClients,
    stack: SagaStack,
    execution_arns: list[str] | None = None,
    since: datetime | None = None,
    baseline_stock: dict[str, int] | None = None,
    order_prefix: str | None = None,
) -> CheckReport:
    return check(gather(clients, stack, execution_arns, since, baseline_stock, order_prefix))


def render_report(report: CheckReport) -> str:
    lines = [
        f"executions checked: {report.executions}   orders: {report.orders}   dead letters: {report.dead_letters}"
        f"   SKUs checked for conservation: {report.skus_checked or 'none (no baseline given)'}",
        f"abandoned in-progress idempotency records (self-expiring): {report.abandoned_in_progress_records}"
        f"   failed redeliveries of confirmed orders (superseded): {report.superseded_failures}",
        "",
        render_table(("outcome", "executions"), sorted(report.outcomes.items())),
        "",
    ]
    if report.ok:
        lines.append("violations: 0")
        return "\n".join(lines)
    lines.append(f"violations: {len(report.violations)}")
    rows = [
        (v.rule.value, v.order_id or "-", (v.execution_arn or "-").rsplit(":", 1)[-1], v.detail)
        for v in report.violations[:_SHOWN_VIOLATIONS]
    ]
    lines.append(render_table(("rule", "order", "execution", "detail"), rows))
    if len(report.violations) > _SHOWN_VIOLATIONS:
        lines.append(f"... and {len(report.violations) - _SHOWN_VIOLATIONS} more (use --json for all)")
    return "\n".join(lines)
