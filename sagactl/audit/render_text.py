"""The timeline for a terminal: one line per state entered, its attempts, catches and the outcome.

Markers: ✓ ended well, ✗ ended in an error, ↩ a compensation, ■ where the execution ended. Error causes are
shown whole, wrapped under their line.
"""

from __future__ import annotations

from datetime import datetime

from sagactl.audit.formatting import LINE_WIDTH, duration, offset, readable_cause, timestamp, wrapped
from sagactl.audit.timeline import Attempt, StateVisit, VisitResult
from sagactl.audit.trail import Trail

COMPENSATION_MARK = "↩ "
_INDENT = "  "
_HEADER_INDENT = " " * len("Outcome    ")


def render_timeline(trail: Trail) -> str:
    lines = _header(trail)
    origin = trail.outcome.started
    rows = [_row(trail, visit) for visit in trail.timeline.visits]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    widths = [max(width, len(title)) for width, title in zip(widths, ("at", "state", "type", "took"), strict=True)]
    lines.append(_INDENT + _columns(("at", "state", "type", "took", "result"), widths))
    attempt_indent = _INDENT + " " * (widths[0] + 2)
    for visit, row in zip(trail.timeline.visits, rows, strict=True):
        lines.append(_INDENT + _columns(row, widths))
        if len(visit.attempts) > 1 or visit.failed_attempts:
            for attempt in visit.attempts:
                lines += [attempt_indent + line for line in _attempt_lines(attempt, origin, attempt_indent)]
        if visit.result is VisitResult.CAUGHT and visit.error is not None:
            lines.append(attempt_indent + _catch_banner(trail, visit))
    if not trail.timeline.visits:
        lines.append(_INDENT + "(no state entered)")
    lines += _footer(trail)
    return "\n".join(lines) + "\n"


def _header(trail: Trail) -> list[str]:
    execution, outcome = trail.execution, trail.outcome
    status = outcome.status
    if outcome.error is not None:
        status += f"  {outcome.error.error}"
        cause = readable_cause(outcome.error.cause)
        if cause:
            status += f": {cause}"
    return [
        f"Execution  {execution.name}  ({execution.workflow_type.lower()}, from {execution.source})",
        f"           {execution.arn}",
        *wrapped(f"Outcome    {status}", _HEADER_INDENT),
        f"Started    {timestamp(outcome.started)}   took {duration(outcome.duration_s)}",
        *_link_lines(trail),
        "",
    ]


def _link_lines(trail: Trail) -> list[str]:
    """The rollback this execution is, or the rollbacks that repaired it (sagactl trace either to follow)."""
    lines = []
    for link in trail.links:
        detail = "  ".join(part for part in (link.status, f"({link.reason})" if link.reason else None) if part)
        label = "Rollback of" if link.relation == "rollback of" else "Rolled back by"
        lines.append(f"{label}  {link.arn}" + (f"  {detail}" if detail else ""))
    return lines


def _row(trail: Trail, visit: StateVisit) -> tuple[str, str, str, str, str]:
    name = (COMPENSATION_MARK if trail.is_compensation(visit) else "") + visit.name
    # Pass and Choice states take no measurable time; showing "0 ms" for each would only add noise.
    timed = visit.attempts or visit.state_type in ("Task", "Wait", "Parallel", "Map")
    took = duration(visit.duration_s) if timed else ""
    return (offset(visit.entered, trail.outcome.started), name, visit.state_type, took, _result(trail, visit))


def _result(trail: Trail, visit: StateVisit) -> str:
    compensation = trail.is_compensation(visit)
    if visit.result is VisitResult.SUCCEEDED:
        text = "✓ compensated" if compensation else "✓ succeeded"
    elif visit.result is VisitResult.CAUGHT and visit.error is not None:
        text = f"✗ caught {visit.error.error} → {visit.next_state}"
    elif visit.result is VisitResult.FAILED and visit.state_type == "Fail":
        text = "✗ Fail state"
    elif visit.result is VisitResult.FAILED and visit.error is not None:
        text = f"✗ failed, not caught: {visit.error.error}"
    else:
        text = "… running"
    if compensation and visit.result is not VisitResult.SUCCEEDED:
        text += " (compensation failed)" if visit.result is not VisitResult.RUNNING else " (compensation)"
    if visit.retries:
        text += f" · {len(visit.attempts)} attempts, {visit.retries} {'retry' if visit.retries == 1 else 'retries'}"
    if trail.timeline.terminal is visit:
        text += "  ■ end"
    return text


def _attempt_lines(attempt: Attempt, origin: datetime | None, indent: str) -> list[str]:
    at = offset(attempt.started, origin)
    took = duration(attempt.duration_s)
    if attempt.error is not None:
        cause = readable_cause(attempt.error.cause)
        outcome = f"✗ {attempt.error.error}" + (f": {cause}" if cause else "")
    elif attempt.ended is None:
        outcome = "… running"
    else:
        outcome = "✓"
    prefix = f"attempt {attempt.number}  {at}  {took:>7}  "
    return wrapped(prefix + outcome, " " * len(prefix), LINE_WIDTH - len(indent))


def _catch_banner(trail: Trail, visit: StateVisit) -> str:
    assert visit.error is not None
    if trail.is_compensation(visit):
        return f"── compensation {visit.name} failed ({visit.error.error}); continuing at {visit.next_state} ──"
    return f"── catch: {visit.error.error} at {visit.name} → {visit.next_state} ──"


def _footer(trail: Trail) -> list[str]:
    lines = [""]
    run = trail.compensations_run
    if run:
        results = ", ".join(f"{visit.name} {'✓' if visit.result is VisitResult.SUCCEEDED else '✗'}" for visit in run)
        lines.append(f"Compensations run  {results}")
    elif trail.timeline.first_catch is not None:
        lines.append("Compensations run  none")
    terminal = trail.timeline.terminal
    if terminal is not None:
        lines.append(f"Ended in           {terminal.name} ({terminal.state_type}) → {trail.outcome.status}")
    lines += [f"Note               {note}" for note in trail.notes]
    return lines


def _columns(cells: tuple[str, ...], widths: list[int]) -> str:
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
    return "  ".join([*padded, *cells[len(widths) :]]).rstrip()
