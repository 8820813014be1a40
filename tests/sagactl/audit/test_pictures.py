"""The picture of a trail: the SVG marks exactly the states and transitions on the path; DOT, Mermaid."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sagactl.audit import Trail, find_dot, render_dot, render_mermaid, write_pictures
from sagactl.audit import pictures as pictures_module
from sagactl.audit.palette import GREY_FILL
from sagactl.audit.path_marks import Look, mark_nodes

# `make test` installs Graphviz; a developer without it still runs every test that does not draw.
needs_graphviz = pytest.mark.skipif(
    find_dot() is None and not os.environ.get("CI"),  # CI installs Graphviz (make graphviz): never skip there
    reason="Graphviz `dot` missing (apt-get install graphviz)",
)


def consecutive_pairs(trail: Trail) -> set[tuple[str, str]]:
    return set(zip(trail.path, trail.path[1:], strict=False))


@needs_graphviz
def test_svg_marks_exactly_the_states_on_the_path(executed, tmp_path: Path, each_saga_path, read_svg):
    trail = executed.trail(each_saga_path)
    written = write_pictures(trail, tmp_path)
    assert {p.suffix for p in written} == {".dot", ".mmd", ".md", ".svg", ".png"}
    assert (tmp_path / f"{each_saga_path.order_id}.png").read_bytes().startswith(b"\x89PNG")
    nodes, _ = read_svg(tmp_path / f"{each_saga_path.order_id}.svg")

    assert set(nodes) == set(trail.graph.states)
    assert {name for name, node in nodes.items() if "taken" in node.classes} == set(trail.path)
    for name, node in nodes.items():
        assert node.id == f"state-{name}"
        if name in trail.path:
            assert "not-taken" not in node.classes
            assert GREY_FILL not in node.fills
        else:  # greyed out
            assert "not-taken" in node.classes
            assert node.fills and set(node.fills) == {GREY_FILL}
        assert ("compensation" in node.classes) is (name in trail.compensations)
    terminal = [name for name, node in nodes.items() if "terminal" in node.classes]
    assert terminal == [trail.path[-1]]


@needs_graphviz
def test_svg_highlights_exactly_the_transitions_followed(executed, tmp_path: Path, each_saga_path, read_svg):
    trail = executed.trail(each_saga_path)
    write_pictures(trail, tmp_path)
    _, transitions = read_svg(tmp_path / f"{each_saga_path.order_id}.svg")
    taken = {t.title for t in transitions if "taken" in t.classes}
    expected = {f"{a}->{b}" for a, b in consecutive_pairs(trail)} | {f"<start>->{trail.path[0]}"}
    if trail.outcome.status == "SUCCEEDED":
        expected.add(f"{trail.path[-1]}-><end>")
    assert taken == expected
    caught = {t.title for t in transitions if {"taken", "catch"} <= t.classes}
    assert caught == {f"{v.name}->{v.next_state}" for v in trail.timeline.visits if v.result.value == "caught"}


@needs_graphviz
def test_svg_tells_failed_steps_from_succeeded_ones_and_compensations(executed, paths, tmp_path: Path, read_svg):
    trail = executed.trail(paths.escalated)
    write_pictures(trail, tmp_path)
    nodes, _ = read_svg(tmp_path / f"{paths.escalated.order_id}.svg")
    assert {"taken", "succeeded"} <= nodes["ReserveInventory"].classes
    assert {"taken", "failed"} <= nodes["ConfirmOrder"].classes
    assert {"taken", "succeeded", "compensation"} <= nodes["ReleaseInventory"].classes
    assert {"taken", "failed", "compensation"} <= nodes["RefundPayment"].classes
    assert {"taken", "failed", "terminal"} <= nodes["CompensationFailed"].classes


@needs_graphviz
def test_svg_shows_a_compensation_that_was_not_needed_as_greyed_out(executed, paths, tmp_path: Path, read_svg):
    trail = executed.trail(paths.out_of_stock)  # nothing was reserved, so nothing is released
    write_pictures(trail, tmp_path)
    nodes, _ = read_svg(tmp_path / f"{paths.out_of_stock.order_id}.svg")
    assert nodes["ReleaseInventory"].classes >= {"not-taken", "compensation"}
    assert nodes["RefundPayment"].classes >= {"taken", "succeeded", "compensation"}
    assert nodes["ReserveInventory"].classes >= {"taken", "failed"}
    assert nodes["OutOfStock"].classes >= {"taken", "terminal"}


def test_without_graphviz_the_dot_and_mermaid_files_are_still_written(executed, paths, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pictures_module, "find_dot", lambda: None)
    written = write_pictures(executed.trail(paths.out_of_stock), tmp_path, basename="refund")
    assert [p.name for p in written] == ["refund.dot", "refund.mmd", "refund.md"]
    assert (tmp_path / "refund.md").read_text().startswith("```mermaid\nflowchart TD\n")


def test_dot_gives_every_state_a_stable_id_and_its_classes(executed, paths):
    trail = executed.trail(paths.out_of_stock)
    dot = render_dot(trail)
    marks = mark_nodes(trail)
    for name in trail.graph.states:
        line = next(line for line in dot.splitlines() if line.strip().startswith(f'"{name}" ['))
        assert f'id="state-{name}"' in line
        assert f'class="{" ".join(marks[name].classes)}"' in line


@pytest.mark.parametrize("saga_path", ["happy", "out_of_stock", "escalated"], indirect=True)
def test_mermaid_styles_the_path_and_greys_the_rest(executed, saga_path):
    trail = executed.trail(saga_path)
    text = render_mermaid(trail)
    assert text.startswith("flowchart TD\n")
    styled: dict[str, str] = {}
    for members, look in re.findall(r"^    class (\S+) (\w+)$", text, flags=re.MULTILINE):
        for member in members.split(","):
            styled[member] = look
    greyed = {Look.NOT_TAKEN.value, Look.NOT_TAKEN_COMPENSATION.value}
    assert {m for m, look in styled.items() if look not in greyed} == {f"state_{name}" for name in trail.path}
    assert styled[f"state_{trail.path[-1]}"].startswith("terminal_")
    taken_links = re.findall(r"^    linkStyle \d+ stroke:(#[0-9a-f]+),stroke-width:3px$", text, flags=re.MULTILINE)
    assert len(taken_links) == len(consecutive_pairs(trail)) + 1 + (trail.outcome.status == "SUCCEEDED")
