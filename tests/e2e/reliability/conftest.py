"""One emulator process with the dev stack for the reliability scenarios (faults, chaos, recovery, bad input).

Its own emulator, not the e2e one: these tests inject faults into the runtime and fill the tables with
hundreds of sagas. Deployed with FAST_RETRIES (the same retries, capped at one second apart), the way
`sagactl chaos`/`fuzz` start theirs, and seen as the operator commands see it (tests/e2e/conftest.py's
StackUnderTest: its parts found by sagactl.discovery). Every test leaves no fault policy behind.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.archives import zip_files
from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess
from sagactl.reliability.check_run import run_check
from sagactl.reliability.invariants import CheckReport

# Workers per function, as `sagactl chaos` starts them; test_fault_injection hangs exactly this many.
LAMBDA_POOL_SIZE = 4


@pytest.fixture(scope="session")
def reliability(stack_under_test: Callable[[LocalStack], Any]) -> Iterator[Any]:
    with in_subprocess(config_overrides=FAST_RETRIES, lambda_pool_size=LAMBDA_POOL_SIZE) as local:
        yield stack_under_test(local)


@pytest.fixture
def rs(reliability: Any) -> Iterator[Any]:
    """The reliability stack, with every fault policy lifted after the test whatever happened."""
    yield reliability
    reliability.control.clear_faults()


@pytest.fixture
def started_at() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def check(rs: Any, started_at: datetime) -> Callable[[list[str]], CheckReport]:
    """``check(execution_arns)``: the invariant check of those executions and of every effect since the test
    started (what `sagactl check --execution ... --since-minutes ...` reports)."""
    return lambda execution_arns: run_check(rs.clients, rs.parts, execution_arns, started_at)


@pytest.fixture(scope="session")
def lambda_pool_size() -> int:
    return LAMBDA_POOL_SIZE


@pytest.fixture(scope="session")
def zip_source() -> Callable[[dict[str, str]], bytes]:
    """``zip_source({"app.py": source})``: a Lambda code archive of tiny handlers written in the test."""

    def zipped(files: dict[str, str]) -> bytes:
        return zip_files({name: textwrap.dedent(source) for name, source in files.items()})

    return zipped
