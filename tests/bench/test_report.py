"""Targets are checked against measured figures and listed together; tables render as text and markdown."""

from __future__ import annotations

from bench.report import Result, Table, at_most, targets_table


def test_a_target_is_met_up_to_its_limit() -> None:
    assert at_most("idempotency WCU", 2.0, 2.0, "WCU").met
    assert not at_most("idempotency WCU", 2.5, 2.0, "WCU").met
    assert at_most("overhead", 1.2, 3.0, "x").wanted == "<= 3 x"


def test_the_targets_table_lists_every_results_targets() -> None:
    results = [Result("sagas", targets=[at_most("overhead", 1.18, 3.0, "x")]),
               Result("express"),
               Result("idempotency", targets=[at_most("duplicate WCU", 2.0, 1.0, "WCU")])]
    assert [list(row) for row in targets_table(results).rows] == [
        ["overhead", "<= 3 x", "1.2 x", "met"],
        ["duplicate WCU", "<= 1 WCU", "2.0 WCU", "NOT MET"],
    ]


def test_a_table_renders_as_markdown_with_its_notes() -> None:
    table = Table("Sagas", ("path", "p50"), [("happy", "46.0")], notes=("p50: startDate to stopDate",))
    assert table.markdown() == "**Sagas**\n\n| path | p50 |\n|---|---|\n| happy | 46.0 |\n\np50: startDate to stopDate"
