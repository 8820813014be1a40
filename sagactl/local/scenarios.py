"""The demo's scenarios: each drives the deployed stack through one saga path and checks the outcome."""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from devstack.executions import ExecutionResult, wait_for_execution
from devstack.orders import example_order
from devstack.stack import LocalStack

HAPPY_PATH = ("ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder")


@dataclass(frozen=True)
class DemoRun:
    stack: LocalStack
    run_id: str

    def order(self, example: str, suffix: str) -> dict[str, Any]:
        """An example order with a run-unique id: order ids double as execution names and idempotency keys.
        The invalid example keeps its own (invalid) id."""
        order = example_order(example)
        if example != "invalid":
            order["order_id"] = f"{order['order_id']}-{self.run_id}-{suffix}"
        return order


@dataclass(frozen=True)
class ScenarioOutcome:
    scenario: str
    status: str
    path: str
    duration_s: float
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _outcome(scenario: str, result: ExecutionResult, problems: list[str]) -> ScenarioOutcome:
    status = result.status if not result.error else f"{result.status} ({result.error})"
    return ScenarioOutcome(scenario, status, " → ".join(result.path), result.duration_s, tuple(problems))


def _expect(problems: list[str], condition: bool, message: str) -> None:
    if not condition:
        problems.append(message)


def happy_checkout(run: DemoRun) -> ScenarioOutcome:
    order = run.order("happy", "happy")
    result = run.stack.checkout(order)
    problems: list[str] = []
    _expect(problems, result.status == "SUCCEEDED", f"expected SUCCEEDED, got {result.status}: {result.cause}")
    _expect(problems, result.path == HAPPY_PATH, f"expected path {HAPPY_PATH}, got {result.path}")
    output = result.output or {}
    _expect(problems, output.get("status") == "CONFIRMED", f"order not confirmed: {output}")
    _expect(problems, bool(output.get("payment_id") and output.get("reservation_id")), f"ids missing: {output}")
    return _outcome("happy checkout", result, problems)


def out_of_stock_refund(run: DemoRun) -> ScenarioOutcome:
    result = run.stack.checkout(run.order("out-of-stock", "oos"))
    problems: list[str] = []
    _expect(problems, result.error == "OutOfStock", f"expected OutOfStock, got {result.error}: {result.cause}")
    _expect(
        problems,
        result.path[:4] == ("ValidateOrder", "ProcessPayment", "ReserveInventory", "RefundPayment"),
        f"expected the refund right after the reservation failed, got {result.path}",
    )
    _expect(problems, "ConfirmOrder" not in result.path, "a failed saga must not confirm")
    return _outcome("out of stock → refund", result, problems)


def declined_card(run: DemoRun) -> ScenarioOutcome:
    result = run.stack.checkout(run.order("declined", "declined"))
    problems: list[str] = []
    _expect(problems, result.error == "PaymentDeclined", f"expected PaymentDeclined, got {result.error}")
    _expect(
        problems,
        "RefundPayment" not in result.path and "ReserveInventory" not in result.path,
        f"a declined card has nothing to undo or reserve: {result.path}",
    )
    return _outcome("declined card", result, problems)


def invalid_order(run: DemoRun) -> ScenarioOutcome:
    order = run.order("invalid", "invalid")
    result = run.stack.checkout(order, name=f"invalid-{run.run_id}")
    problems: list[str] = []
    _expect(problems, result.error == "OrderInvalid", f"expected OrderInvalid, got {result.error}")
    errors = json.loads(result.cause or "[]") if result.error == "OrderInvalid" else []
    fields = {e.get("field") for e in errors}
    _expect(problems, {"order_id", "currency"} <= fields, f"expected every invalid field listed, got {fields}")
    _expect(problems, "Traceback" not in (result.cause or ""), "the cause must not carry a stack trace")
    return _outcome("invalid order", result, problems)


def duplicate_submission(run: DemoRun) -> ScenarioOutcome:
    sfn = run.stack.clients.stepfunctions
    order = run.order("happy", "dup")
    name = str(order["order_id"])
    first = run.stack.start_checkout(order, name)
    again = run.stack.start_checkout(order, name)  # while running: AWS returns the same one
    result = wait_for_execution(sfn, first)
    # The same order under another execution name: idempotency makes every step return its stored result.
    rerun = run.stack.checkout(order, f"{name}-retry")
    problems: list[str] = []
    _expect(problems, first == again, "same name and input while running must be the same execution")
    _expect(problems, result.status == rerun.status == "SUCCEEDED", f"{result.status}/{rerun.status}")
    _expect(
        problems,
        (result.output or {}).get("payment_id") == (rerun.output or {}).get("payment_id"),
        "a resubmitted order must not be charged again",
    )
    outcome = _outcome("duplicate submission", result, problems)
    return ScenarioOutcome(
        outcome.scenario,
        f"{outcome.status} (3 submissions)",
        outcome.path,
        result.duration_s + rerun.duration_s,
        outcome.problems,
    )


def express_burst(run: DemoRun, count: int = 200, invalid_every: int = 10) -> ScenarioOutcome:
    happy = run.order("happy", "burst")
    invalid = run.order("invalid", "burst")
    orders = []
    for index in range(count):
        if index % invalid_every == 0:
            orders.append(copy.deepcopy(invalid))
        else:
            orders.append({**copy.deepcopy(happy), "order_id": f"burst-{run.run_id}-{index}"})
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(run.stack.validate, orders))
    elapsed = time.perf_counter() - started
    problems: list[str] = []
    expected_total = sum(item["quantity"] * item["unit_price_minor"] for item in happy["items"])
    for index, result in enumerate(results):
        expect_valid = index % invalid_every != 0
        if expect_valid and (
            result.status != "SUCCEEDED" or (result.output or {}).get("total_minor") != expected_total
        ):
            problems.append(f"validation {index}: {result.status} {result.error} {result.cause}")
        if not expect_valid and result.error != "OrderInvalid":
            problems.append(f"validation {index} should be OrderInvalid, got {result.status} {result.error}")
    succeeded = sum(r.status == "SUCCEEDED" for r in results)
    status = f"{succeeded} SUCCEEDED, {count - succeeded} OrderInvalid ({count / elapsed:.0f}/s)"
    return ScenarioOutcome(f"express burst of {count}", status, "ValidateOrder (sync)", elapsed, tuple(problems[:5]))


SCENARIOS: tuple[Callable[[DemoRun], ScenarioOutcome], ...] = (
    happy_checkout,
    out_of_stock_refund,
    declined_card,
    invalid_order,
    duplicate_submission,
)


def run_scenarios(stack: LocalStack, burst: int, progress: Callable[[str], None]) -> list[ScenarioOutcome]:
    """Every scenario in turn, the checkout over HTTP, then the Express burst of ``burst`` validations."""
    from sagactl.local.http_scenario import http_checkout  # it builds on this module

    run = DemoRun(stack, run_id=uuid.uuid4().hex[:8])
    outcomes = []
    for scenario in (*SCENARIOS, http_checkout):
        progress(f"scenario: {scenario.__name__.replace('_', ' ')} ...")
        outcomes.append(scenario(run))
    progress("scenario: express burst ...")
    outcomes.append(express_burst(run, count=burst))
    return outcomes
