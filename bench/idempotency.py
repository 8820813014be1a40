"""What idempotency costs in DynamoDB: requests and request units per first call and per duplicate.

Every side-effecting handler is invoked through the Lambda Invoke API with the event the saga would pass
it, once (a first call: the step's work and powertools' record), then again with the same event (a
duplicate: the stored result is returned, nothing is redone). The emulator meters every DynamoDB request
(GET /emulator-api/metering) and computes its units by AWS's rules (1 WCU per started KB of the larger of
the item before and after, failed conditional writes included, transactions twice), so each row is what
DynamoDB would bill for that call, split into the idempotency table and the domain tables.

    python -m bench.idempotency [--orders 5] [--json out.json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass

from bench.harness import BenchRun
from bench.report import Result, Table, at_most
from sagactl.cost.emulator_usage import Meter, Usage
from sagactl.cost.invoke import SagaEvents, invoke
from sagactl.cost.orders import SagaPath

FIRST_CALL_TARGET_WCU = 2.0
DUPLICATE_TARGET_WCU = 1.0
# (handler, the saga step whose result it returns), in saga order.
STEPS = (
    ("process_payment", "ProcessPayment"),
    ("reserve_inventory", "ReserveInventory"),
    ("confirm_order", "ConfirmOrder"),
)
COMPENSATIONS = ("release_inventory", "refund_payment")


@dataclass(frozen=True)
class Settings:
    orders: int = 5


@dataclass(frozen=True)
class CallUsage:
    requests: dict[str, int]  # DynamoDB operation -> requests (all tables)
    idempotency_wcu: float
    idempotency_rcu: float
    domain_wcu: float
    domain_rcu: float
    conditional_failures: int

    @classmethod
    def of(cls, usage: Usage, idempotency_table: str) -> CallUsage:
        domain = [table for table in usage.dynamodb if table != idempotency_table]
        return cls(
            requests=usage.dynamodb_operations(),
            idempotency_wcu=usage.dynamodb_total("write_units", [idempotency_table]),
            idempotency_rcu=usage.dynamodb_total("read_units", [idempotency_table]),
            domain_wcu=usage.dynamodb_total("write_units", domain),
            domain_rcu=usage.dynamodb_total("read_units", domain),
            conditional_failures=int(usage.dynamodb_total("conditional_failures")),
        )


def run(bench: BenchRun, settings: Settings) -> Result:
    stack, factory = bench.stack, bench.order_factory()
    idempotency_table = str(stack.outputs["idempotencyTableName"])
    calls: dict[tuple[str, str], list[CallUsage]] = {}
    for _ in range(settings.orders):
        saga = SagaEvents(stack, factory.order(SagaPath.HAPPY))
        for module, step in STEPS:
            event = saga.for_module(module)
            for call in ("first", "duplicate"):
                with Meter(stack.control) as meter:
                    invoked = invoke(stack, module, event)
                calls.setdefault((module, call), []).append(CallUsage.of(meter.usage, idempotency_table))
            saga.record(step, invoked)
        # Compensations of a charged and reserved order (what a failure after ReserveInventory runs).
        undo = SagaEvents(stack, factory.order(SagaPath.HAPPY))
        for module, step in STEPS[:2]:
            undo.record(step, invoke(stack, module, undo.for_module(module)))
        for module in COMPENSATIONS:
            event = undo.for_module(module)
            for call in ("first", "duplicate"):
                with Meter(stack.control) as meter:
                    invoke(stack, module, event)
                calls.setdefault((module, call), []).append(CallUsage.of(meter.usage, idempotency_table))
    return _result(settings, calls)


def _result(settings: Settings, calls: dict[tuple[str, str], list[CallUsage]]) -> Result:
    rows = []
    targets = []
    for (module, call), usages in calls.items():
        usage = _typical(usages)
        requests = ", ".join(f"{op} {n}" for op, n in sorted(usage.requests.items()))
        rows.append((module, call, sum(usage.requests.values()), requests, usage.conditional_failures,
                     f"{usage.idempotency_wcu:g}", f"{usage.idempotency_rcu:g}", f"{usage.domain_wcu:g}",
                     f"{usage.domain_rcu:g}", f"{usage.idempotency_wcu + usage.domain_wcu:g}"))
        if call == "first":
            targets.append(at_most(f"idempotency WCU, first call, {module}", usage.idempotency_wcu,
                                   FIRST_CALL_TARGET_WCU, "WCU"))
        else:
            targets.append(at_most(f"idempotency WCU, duplicate, {module}", usage.idempotency_wcu,
                                   DUPLICATE_TARGET_WCU, "WCU"))
    table = Table(
        "DynamoDB per handler call, counted at the emulator (request units by AWS's rules)",
        ("handler", "call", "requests", "by operation", "failed conditions", "idem WCU", "idem RCU", "domain WCU",
         "domain RCU", "total WCU"),
        rows,
        notes=(
            f"{settings.orders} orders; every call of a kind used the same units (the typical one is shown).",
            "first: the step's work plus powertools' record (PutItem INPROGRESS, UpdateItem COMPLETED); duplicate:"
            " the PutItem whose condition fails returns the stored record (ReturnValuesOnConditionCheckFailure).",
        ),
    )
    figures = {
        "settings": asdict(settings),
        "calls": {f"{module}/{call}": [asdict(u) for u in usages] for (module, call), usages in calls.items()},
    }
    return Result("idempotency", [table], figures, targets)


def _typical(usages: list[CallUsage]) -> CallUsage:
    """The most frequent usage among the calls (they are all equal unless something else wrote meanwhile)."""
    counted: dict[str, tuple[int, CallUsage]] = {}
    for usage in usages:
        key = repr(usage)
        count, _ = counted.get(key, (0, usage))
        counted[key] = (count + 1, usage)
    return max(counted.values(), key=lambda entry: entry[0])[1]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=Settings().orders, help="orders whose calls are measured")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(orders=args.orders)


if __name__ == "__main__":
    from bench.cli import main_for

    main_for("idempotency", add_arguments, lambda bench, args: run(bench, settings_from(args)))
