"""Latency summaries for the benchmarks' tables: nearest-rank percentiles (no interpolation: every figure is a
measured value). A helper, not run by itself."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        millis = [value * 1000 for value in seconds]
        return cls(
            count=len(millis),
            p50_ms=percentile(millis, 0.50),
            p95_ms=percentile(millis, 0.95),
            p99_ms=percentile(millis, 0.99),
            max_ms=max(millis) if millis else math.nan,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"
