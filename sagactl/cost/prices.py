"""The price table (prices.json): one file, naming its sources and the date it was compiled."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).with_name("prices.json")


@dataclass(frozen=True)
class Prices:
    region: str
    compiled: str
    sources: dict[str, str]
    notes: tuple[str, ...]
    standard_per_transition: float
    express_per_request: float
    express_per_gb_second: float
    lambda_per_request: float
    lambda_per_gb_second: dict[str, float]  # by architecture
    dynamodb_per_write_unit: float
    dynamodb_per_read_unit: float
    kms_per_request: float

    def lambda_gb_second(self, architecture: str) -> float:
        try:
            return self.lambda_per_gb_second[architecture]
        except KeyError:
            raise ValueError(f"no Lambda price for architecture {architecture!r}") from None


def load_prices(path: Path = PRICES_FILE) -> Prices:
    return prices_from(json.loads(path.read_text()))


def prices_from(data: dict[str, Any]) -> Prices:
    return Prices(
        region=str(data["region"]),
        compiled=str(data["compiled"]),
        sources=dict(data["sources"]),
        notes=tuple(data.get("notes", ())),
        standard_per_transition=float(data["stepfunctions_standard_per_transition"]),
        express_per_request=float(data["stepfunctions_express_per_request"]),
        express_per_gb_second=float(data["stepfunctions_express_per_gb_second"]),
        lambda_per_request=float(data["lambda_per_request"]),
        lambda_per_gb_second={str(k): float(v) for k, v in data["lambda_per_gb_second"].items()},
        dynamodb_per_write_unit=float(data["dynamodb_on_demand_per_write_request_unit"]),
        dynamodb_per_read_unit=float(data["dynamodb_on_demand_per_read_request_unit"]),
        kms_per_request=float(data["kms_per_request"]),
    )
