"""CPU time is reported per operation, by process group."""

from __future__ import annotations

import pytest

from bench.cpu import CpuSeconds


def test_cpu_per_operation_in_milliseconds() -> None:
    used = CpuSeconds(emulator=3.0, workers=2.0, client=1.0) - CpuSeconds(emulator=1.0, workers=1.0, client=0.5)
    assert used.per(100) == pytest.approx({"emulator_ms": 20.0, "workers_ms": 10.0, "client_ms": 5.0,
                                           "total_ms": 35.0})
    assert used.per(0)["total_ms"] == pytest.approx(3500.0)  # no operation: all of it, not a division by zero
