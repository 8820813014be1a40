"""bench.speedups: which speed-ups it compares, how it switches them, and how the comparison is computed."""

from __future__ import annotations

import pytest

from bench import speedups
from bench.speedups import ALL_OFF, SHIPPED, comparison_table, environment_for, paired_change, speedup_names
from emulator.moto_seams import Kind, MotoExtension
from emulator.speedups import ALL_VARIABLE, OFF_VARIABLE


def _extension(name: str, kind: Kind) -> MotoExtension:
    return MotoExtension(name=name, kind=kind, purpose="", module=__name__, seams=(), install=None)


def test_the_speed_ups_are_the_emulators_extensions_of_that_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    extensions = (_extension("parse-cache", Kind.SPEED_UP), _extension("atomic", Kind.FIDELITY),
                  _extension("lane", Kind.SPEED_UP))
    monkeypatch.setattr(speedups, "EXTENSIONS", extensions)
    assert speedup_names() == ["parse-cache", "lane"]


def test_every_configuration_sets_both_switches() -> None:
    assert environment_for(SHIPPED) == {ALL_VARIABLE: "on", OFF_VARIABLE: ""}
    assert environment_for(ALL_OFF) == {ALL_VARIABLE: "off", OFF_VARIABLE: ""}
    assert environment_for("parse-cache") == {ALL_VARIABLE: "on", OFF_VARIABLE: "parse-cache"}
    assert environment_for("parse-cache+lane") == {ALL_VARIABLE: "on", OFF_VARIABLE: "parse-cache,lane"}


def test_a_change_is_the_median_of_paired_changes() -> None:
    # Each pair shares the machine's state: a slow moment (the third pair) slows both runs alike.
    shipped, change, low, high = paired_change([(40.0, 50.0), (40.0, 44.0), (80.0, 100.0)])
    assert shipped == 40.0
    assert (change, low, high) == (pytest.approx(0.25), pytest.approx(0.10), pytest.approx(0.25))


def test_the_table_shows_each_configurations_paired_change_per_metric() -> None:
    pairs = {
        "lane": {"p50_ms": [(40.0, 50.0), (42.0, 52.5), (44.0, 66.0)], "demo_s": [(10.0, 9.0)]},
        ALL_OFF: {"p50_ms": [(40.0, 80.0)]},
    }
    table = comparison_table(pairs)
    assert list(table.headers) == ["emulator", "happy saga p50 ms", "demo s"]
    assert [list(row) for row in table.rows] == [
        ["without lane", "+25% [+25% to +50%] of 42.0", "-10% [-10% to -10%] of 10.0"],
        ["all speed-ups off", "+100% [+100% to +100%] of 40.0", "-"],
    ]


def test_metrics_not_measured_are_left_out() -> None:
    table = comparison_table({"lane": {"tests_s": [(30.0, 33.0)]}})
    assert list(table.headers) == ["emulator", "tests s"]
