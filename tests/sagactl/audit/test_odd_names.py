"""State names are free text in ASL: quotes, spaces, markup and non-ASCII must not break the pictures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sagactl.audit import Trail, find_dot, graph_from_definition, render_mermaid, write_pictures
from sagactl.audit.compensations import derive_compensations
from sagactl.audit.events import event_from_history
from sagactl.audit.timeline_builder import build_timeline
from sagactl.audit.trail import ExecutionInfo

CHARGE = 'Charge "card" <now>'
UNDO = "Refund & apologise"
FAILED = "Échec/final"
DEFINITION = {
    "StartAt": CHARGE,
    "States": {
        CHARGE: {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": UNDO}]},
        UNDO: {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": FAILED},
        FAILED: {"Type": "Fail", "Error": "Failed"},
    },
}  # fmt: skip


@pytest.fixture
def trail(history) -> Trail:
    writer = history().started()
    writer.enter(CHARGE).task_fails("Boom").exit(CHARGE)
    writer.enter(UNDO).task_ok().exit(UNDO)
    writer.enter(FAILED, "Fail").failed("Failed", "it failed")
    graph = graph_from_definition(DEFINITION)
    return Trail(
        execution=ExecutionInfo(
            arn="arn:aws:states:eu-west-1:123456789012:execution:odd:run 1", name="run 1", state_machine_arn="m",
            workflow_type="STANDARD", source="test",
        ),
        definition=DEFINITION,
        graph=graph,
        timeline=build_timeline(event_from_history(e) for e in writer.events),
        compensations=derive_compensations(graph),
    )  # fmt: skip


@pytest.mark.skipif(
    find_dot() is None and not os.environ.get("CI"),  # CI installs Graphviz (make graphviz): never skip there
    reason="Graphviz `dot` missing (apt-get install graphviz)",
)
def test_svg_is_valid_and_ids_are_safe_and_unique(trail: Trail, tmp_path: Path, read_svg):
    write_pictures(trail, tmp_path)
    nodes, _ = read_svg(tmp_path / "run_1.svg")  # the file name is sanitized too
    assert set(nodes) == {CHARGE, UNDO, FAILED}
    ids = [node.id for node in nodes.values()]
    assert len(set(ids)) == 3 and all(i.startswith("state-") and " " not in i and '"' not in i for i in ids)
    assert nodes[UNDO].classes >= {"taken", "compensation", "succeeded"}
    assert nodes[CHARGE].classes >= {"taken", "failed"}


def test_mermaid_escapes_names(trail: Trail):
    text = render_mermaid(trail)
    assert "Charge #quot;card#quot; #lt;now#gt;" in text and "Refund #amp; apologise" in text
    assert '"card"' not in text and "<now>" not in text
