"""Chaos, CI size: 200 concurrent sagas with every kind of fault in every Lambda, then the invariant check.

`sagactl chaos` runs the same at full size (1,000 sagas by default); docs/reliability.md has its figures.
"""

from __future__ import annotations

import pytest

from sagactl.reliability.chaos import ChaosSettings, run_chaos
from sagactl.reliability.check_run import render_report
from sagactl.reliability.recovery import CONFIRMED_AND_WHOLE, RecoveryResult, render_recoveries

pytestmark = pytest.mark.e2e

CI_SAGAS = 200


def test_two_hundred_concurrent_sagas_under_random_faults_keep_every_invariant(rs) -> None:
    settings = ChaosSettings(sagas=CI_SAGAS, concurrency=50, seed=7, fault_rate=0.1, latency_rate=0.1)
    figures = run_chaos(rs.clients, rs.parts, rs.control, settings, log=lambda message: None)

    assert figures.check is not None
    assert figures.violations == 0, render_report(figures.check_after_recovery or figures.check)
    assert figures.executions == CI_SAGAS
    assert sum(figures.outcomes.values()) == CI_SAGAS
    # The run exercised what it claims to: every fault kind, retries, rollbacks, and every saga outcome.
    assert set(figures.faults_injected) == {"fail_before", "crash_after", "throttle", "timeout", "latency"}
    assert figures.retries > 0 and figures.compensated > 0
    assert {"SUCCEEDED", "OutOfStock", "PaymentDeclined", "OrderInvalid", "CheckoutFailed"} <= set(figures.outcomes)
    assert all(recovery.recovered for recovery in figures.recoveries), render_recoveries(figures.recoveries)
    assert rs.control.fault_status().policies == {}  # the run lifts its faults


def test_sagas_an_operator_stops_at_random_moments_roll_back_and_keep_every_invariant(rs) -> None:
    """The operator-stop fault, seeded, mixed with the others: every stopped saga is rolled back by the stack's rule
    and rollback workflow (or, past the pivot, left confirmed), and the check finds nothing wrong."""
    settings = ChaosSettings(sagas=40, concurrency=20, seed=5, fault_rate=0.1, latency_rate=0.3,
                             operator_stop_rate=0.4)
    figures = run_chaos(rs.clients, rs.parts, rs.control, settings, log=lambda message: None)

    assert figures.check is not None
    assert figures.violations == 0, render_report(figures.check_after_recovery or figures.check)
    assert figures.faults_injected["operator_stop"] == figures.outcomes.get("ABORTED", 0) > 0
    # A stopped saga's ConfirmOrder may still land after its rollback's first compensation gave up: the order ends
    # confirmed and whole, and its letter stays for an operator (docs/reliability.md); anything else must recover.
    assert all(recovered_or_whole(recovery) for recovery in figures.recoveries), render_recoveries(figures.recoveries)


def recovered_or_whole(recovery: RecoveryResult) -> bool:
    return recovery.recovered or recovery.detail.startswith(CONFIRMED_AND_WHOLE)
