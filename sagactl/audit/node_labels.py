"""The short facts printed under a state's name in the picture (duration, attempts, the error)."""

from __future__ import annotations

from sagactl.audit.formatting import duration, readable_cause, truncate
from sagactl.audit.path_marks import NodeMark
from sagactl.audit.timeline import VisitResult
from sagactl.audit.trail import Trail

MAX_ERROR_CHARS = 40


def detail_lines(mark: NodeMark, trail: Trail) -> list[str]:
    lines = []
    if mark.compensation:
        lines.append("compensation")
    if not mark.taken:
        return lines
    last = mark.visits[-1]
    timing = duration(sum(v.duration_s or 0.0 for v in mark.visits)) if last.state_type == "Task" else ""
    attempts = sum(len(v.attempts) for v in mark.visits)
    if attempts > 1:
        timing = f"{timing} · {attempts} attempts" if timing else f"{attempts} attempts"
    if len(mark.visits) > 1:
        entered = f"entered {len(mark.visits)} times"
        timing = f"{timing} · {entered}" if timing else entered
    if timing:
        lines.append(timing)
    if last.error is not None and last.result is VisitResult.CAUGHT:
        lines.append("caught " + truncate(last.error.error, MAX_ERROR_CHARS))
    elif last.error is not None and last.result is VisitResult.FAILED and last.state_type != "Fail":
        lines.append("failed: " + truncate(last.error.error, MAX_ERROR_CHARS))
    elif last.error is not None and last.state_type == "Fail":
        # A Fail state's error is usually its own name; its cause is what the reader wants.
        own_name = last.error.error == mark.name
        shown = truncate(readable_cause(last.error.cause), MAX_ERROR_CHARS) if own_name else last.error.error
        if shown:
            lines.append(shown)
    elif mark.terminal and trail.outcome.status == "SUCCEEDED":
        lines.append("execution succeeded")
    return lines
