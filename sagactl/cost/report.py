"""The cost tables: per 1M checkouts (the saga's paths and the seed's design) and per 1M validations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sagactl.cost.measure import Measurement
from sagactl.cost.model import MILLION, Bill, bill
from sagactl.cost.prices import Prices

HAPPY_PATH_STEPS = ("ValidateOrder", "ProcessPayment", "ReserveInventory", "ConfirmOrder")
_HEADERS = ("design", "path", "transitions", "Lambda calls", "Lambda GB-s", "DynamoDB WRU/RRU", "KMS",
            "Step Functions $", "Lambda $", "DynamoDB $", "KMS $", "total $")
_DESIGNS = {
    "saga": "our saga (Standard)",
    "seed": "seed two-step (Standard)",
    "validation-express": "Express (sync)",
    "validation-standard": "as Standard",
}


@dataclass(frozen=True)
class CostTable:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    notes: Sequence[str] = ()


def cost_tables(measurement: Measurement, prices: Prices) -> list[CostTable]:
    bills = {key: bill(behaviour, prices, MILLION) for key, behaviour in measurement.behaviours.items()}
    checkouts = [key for key in bills if key.split("/")[0] in ("saga", "seed")]
    validations = [key for key in bills if key.startswith("validation")]
    config = measurement.configuration
    source = (f"prices: {prices.region}, compiled {prices.compiled} (sagactl/cost/prices.json); Lambda "
              f"{config.get('lambda_memory_mb')} MB {config.get('lambda_architecture')}, stack "
              f"'{config.get('stack')}'; per-execution averages measured on the emulator.")
    happy = measurement.behaviours.get("saga/happy")
    transitions_note = (
        f"happy checkout: {happy.transitions:g} transitions for {len(HAPPY_PATH_STEPS)} business steps "
        f"({', '.join(HAPPY_PATH_STEPS)}): "
        + ("one per step, no Pass/Choice overhead." if happy.transitions == len(HAPPY_PATH_STEPS) else "MISMATCH.")
    ) if happy else "happy checkout not measured."
    return [
        CostTable("AWS bill per 1M checkouts", _HEADERS, [_row(key, bills[key]) for key in checkouts],
                  (source, transitions_note,
                   "seed two-step: no validation, no confirmation, no retries, no escalation; an out-of-stock "
                   "order ends SUCCEEDED after its refund.")),
        CostTable("AWS bill per 1M validations", _HEADERS, [_row(key, bills[key]) for key in validations],
                  (source, "Express: per request + GB-s (100 ms / 64 MB rounding); Standard: per transition.")),
    ]


def _row(key: str, item: Bill) -> list[str]:
    design, path = key.split("/", 1)
    b = item.behaviour
    return [
        _DESIGNS.get(design, design), path, f"{b.transitions:g}" if b.transitions else "-",
        f"{b.lambda_invocations:g}", f"{b.lambda_gb_seconds:.5f}",
        f"{b.dynamodb_write_units:g}/{b.dynamodb_read_units:g}", f"{b.kms_requests:g}",
        _dollars(item.step_functions), _dollars(item.lambda_requests + item.lambda_duration),
        _dollars(item.dynamodb), _dollars(item.kms), _dollars(item.total),
    ]


def _dollars(amount: float) -> str:
    return f"{amount:,.2f}"
