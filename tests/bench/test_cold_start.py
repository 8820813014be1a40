"""A handler's import figure is the median of its import times above the floor (boto3 and one DynamoDB client)
timed side by side, on Lambda's Python, the only one that imports the archive's bytecode; on this venv's Python
when Lambda's was not timed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from bench.cold_start import (
    ABOVE_FLOOR_TARGET_MS,
    above_floor,
    collected_instructions,
    count_instructions,
    figure_python,
    share_above_floor,
)
from devstack.emulator_process import PROJECT_ROOT


def test_the_figure_is_the_median_of_the_paired_differences_with_their_range() -> None:
    # The floors move from pair to pair as the machine does; each difference is taken within its pair.
    pairs = [(200.0, 260.0), (400.0, 430.0), (300.0, 390.0), (250.0, 290.0), (500.0, 545.0)]
    assert above_floor(pairs) == (45.0, 30.0, 90.0)


def test_a_handler_that_imports_less_than_the_floor_is_below_it() -> None:
    assert above_floor([(180.0, 150.0), (200.0, 160.0), (190.0, 170.0)]) == (-30.0, -40.0, -20.0)


def test_the_figure_comes_from_lambdas_python_when_it_was_timed() -> None:
    assert figure_python({"venv": {}, "python3.13": {}}) == "python3.13"
    assert figure_python({"venv": {}}) == "venv"


def test_the_target_is_fifty_milliseconds_above_the_floor() -> None:
    assert ABOVE_FLOOR_TARGET_MS == 50.0


def test_instructions_above_the_floor_are_a_share_of_the_floors_without_the_interpreters_start() -> None:
    assert share_above_floor(bare=40, floor=1040, imported=1180) == pytest.approx(0.14)
    assert share_above_floor(bare=40, floor=1040, imported=940) == pytest.approx(-0.10)


def test_the_count_is_read_from_valgrinds_summary() -> None:
    output = "==14470== Events    : Ir\n==14470== Collected : 38926507\n==14470==\n==14470== I   refs: 38,926,507\n"
    assert collected_instructions(output) == 38926507
    with pytest.raises(RuntimeError, match="no instruction count"):
        collected_instructions("valgrind: command not understood")


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_an_import_is_counted_the_same_every_run(tmp_path) -> None:
    counts = [count_instructions(sys.executable, "import json", dict(os.environ), tmp_path) for _ in range(2)]
    assert counts[0] == counts[1]
    assert counts[0] > 10_000_000  # an interpreter's start alone runs tens of millions


def test_counting_without_valgrind_is_refused_in_one_line_before_anything_starts() -> None:
    no_valgrind = {**os.environ, "PATH": str(PROJECT_ROOT / "venv" / "bin")}
    completed = subprocess.run([sys.executable, "-m", "bench.cold_start", "--instructions"], cwd=PROJECT_ROOT,
                               env=no_valgrind, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 2
    assert completed.stderr.splitlines()[-1] == (
        "python -m bench.cold_start: error: --instructions counts with valgrind, which is not installed "
        "(Debian: apt install valgrind)")
    assert "starting the emulator" not in completed.stderr + completed.stdout
