"""`trail_to_json`: complete, serializable, and consistent with the timeline and the picture."""

from __future__ import annotations

import json

from sagactl.audit import trail_to_json
from sagactl.audit.path_marks import taken_transitions


def test_json_document_matches_the_trail(executed, each_saga_path):
    trail = executed.trail(each_saga_path)
    document = json.loads(json.dumps(trail_to_json(trail)))  # plain JSON types only
    assert document["path"] == list(trail.path)
    assert document["execution"]["status"] == trail.outcome.status
    assert [s["name"] for s in document["states"]] == list(trail.path)
    for state, visit in zip(document["states"], trail.timeline.visits, strict=True):
        assert len(state["attempts"]) == len(visit.attempts)
        assert state["retries"] == visit.retries
        assert state["compensation"] is trail.is_compensation(visit)
        assert state["entered_at"].endswith("+00:00")
    taken = [t for t in document["graph"]["transitions"] if t["taken"]]
    assert len(taken) == len(taken_transitions(trail))
    taken_nodes = {n["name"] for n in document["graph"]["nodes"] if "taken" in n["classes"]}
    assert taken_nodes == set(trail.path)
