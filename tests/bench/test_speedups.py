"""bench.speedups: which speed-ups it compares, how it switches them, and how the comparison is computed."""

from __future__ import annotations

import pytest

from bench import speedups
from bench.speedups import ALL_OFF, SHIPPED, comparison_table, environment_for, median_change, speedup_names
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


def test_a_change_is_between_medians() -> None:
    value, change = median_change([60.0, 50.0, 1000.0], [40.0, 41.0, 39.0])  # one outlier moves no median
    assert value == 60.0
    assert change == pytest.approx(0.5)


def test_the_table_shows_median_change_and_range_per_configuration() -> None:
    figures = {
        SHIPPED: {"p50_ms": [40.0, 42.0, 44.0], "demo_s": [10.0, 10.0, 10.0]},
        "lane": {"p50_ms": [50.0, 52.0, 60.0], "demo_s": [9.0, 9.0, 9.0]},
        ALL_OFF: {"p50_ms": [84.0, 90.0, 80.0], "demo_s": [20.0, 21.0, 19.0]},
    }
    table = comparison_table(figures, [SHIPPED, "lane", ALL_OFF])
    assert list(table.headers) == ["emulator", "happy saga p50 ms", "demo s"]
    assert [list(row) for row in table.rows] == [
        ["as shipped", "42.0 [40.0-44.0]", "10.0 [10.0-10.0]"],
        ["without lane", "52.0 (+24%) [50.0-60.0]", "9.0 (-10%) [9.0-9.0]"],
        ["all speed-ups off", "84.0 (+100%) [80.0-90.0]", "20.0 (+100%) [19.0-21.0]"],
    ]


def test_metrics_not_measured_are_left_out() -> None:
    table = comparison_table({SHIPPED: {"tests_s": [30.0]}}, [SHIPPED])
    assert list(table.headers) == ["emulator", "tests s"]
