"""What the picture highlights, on shapes the checkout saga does not have (Parallel branches)."""

from __future__ import annotations

from sagactl.audit import Trail, graph_from_definition
from sagactl.audit.compensations import derive_compensations
from sagactl.audit.events import event_from_history
from sagactl.audit.graph import END, START
from sagactl.audit.path_marks import mark_nodes, taken_transitions
from sagactl.audit.timeline_builder import build_timeline
from sagactl.audit.trail import ExecutionInfo

DEFINITION = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Next": "Done",
            "Branches": [{"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}],
        },
        "Done": {"Type": "Succeed"},
        "Unused": {"Type": "Fail", "Error": "Never"},
    },
}


def test_states_inside_a_branch_do_not_break_the_highlighted_path(history):
    writer = history().started()
    writer.enter("Fan", "Parallel")
    writer.event("ParallelStateStarted")
    writer.enter("Inner", "Pass").exit("Inner", "Pass")
    writer.event("ParallelStateSucceeded")
    writer.exit("Fan", "Parallel")
    writer.enter("Done", "Succeed").exit("Done", "Succeed").succeeded()
    graph = graph_from_definition(DEFINITION)
    trail = Trail(
        execution=ExecutionInfo("arn:aws:states:eu-west-1:123456789012:execution:fan:1", "1", "m", "STANDARD", "test"),
        definition=DEFINITION,
        graph=graph,
        timeline=build_timeline(event_from_history(e) for e in writer.events),
        compensations=derive_compensations(graph),
    )

    followed = {(t.source, t.target) for t in graph.transitions if t.index in taken_transitions(trail)}

    assert trail.path == ("Fan", "Inner", "Done")  # the timeline lists the branch's states too
    assert followed == {(START, "Fan"), ("Fan", "Done"), ("Done", END)}
    marks = mark_nodes(trail)
    assert {name for name, mark in marks.items() if mark.taken} == {"Fan", "Done"}
    assert marks["Done"].terminal and not marks["Unused"].taken
