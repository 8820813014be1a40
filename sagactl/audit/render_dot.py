"""The state machine graph with the path taken highlighted, as Graphviz DOT.

Every state node carries `id="state-<Name>"` and `class="state taken|not-taken ..."` (see `path_marks`),
every transition `id="transition-<n>"` and `class="transition taken|not-taken <kind>"`. Graphviz copies
both into the SVG, which makes the picture checkable by structure rather than by pixels.
"""

from __future__ import annotations

from html import escape

from sagactl.audit.formatting import duration
from sagactl.audit.graph import END, START, StateNode, Transition, TransitionKind
from sagactl.audit.identifiers import svg_state_ids
from sagactl.audit.node_labels import detail_lines
from sagactl.audit.palette import (
    CAUGHT_EDGE,
    GREY_TEXT,
    IDLE_EDGE,
    INK,
    LEGEND,
    NODE_STYLES,
    TAKEN_EDGE,
)
from sagactl.audit.path_marks import NodeMark, mark_nodes, taken_transitions
from sagactl.audit.trail import Trail

_SHAPES = {
    "Task": ("box", "rounded"),
    "Pass": ("box", ""),
    "Choice": ("diamond", ""),
    "Wait": ("box", "rounded"),
    "Parallel": ("box3d", ""),
    "Map": ("box3d", ""),
    "Fail": ("octagon", ""),
    "Succeed": ("box", "rounded"),
}
_FONT = "Helvetica"
_FORWARD = (TransitionKind.START, TransitionKind.NEXT)
_FORWARD_WEIGHT = 8


def render_dot(trail: Trail) -> str:
    marks = mark_nodes(trail)
    taken = taken_transitions(trail)
    ids = svg_state_ids(trail.graph.states)
    ids.update({START: "start", END: "end"})
    lines = [
        "digraph trail {",
        f'  graph [rankdir=TB, nodesep=0.35, ranksep=0.4, fontname="{_FONT}", labelloc=t, '
        f"label=<{_title_and_legend(trail)}>];",
        f'  node [fontname="{_FONT}", fontsize=12, margin="0.15,0.06"];',
        f'  edge [fontname="{_FONT}", fontsize=9, arrowsize=0.7];',
    ]
    lines += _pseudo_nodes(trail, taken)
    for name, node in trail.graph.states.items():
        lines.append(_node_line(node, marks[name], ids[name], trail))
    for transition in trail.graph.transitions:
        lines.append(_edge_line(transition, transition.index in taken, ids))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _pseudo_nodes(trail: Trail, taken: frozenset[int]) -> list[str]:
    started = bool(trail.timeline.visits)
    ended = any(t.target == END and t.index in taken for t in trail.graph.transitions)
    lines = [_pseudo_node(START, "start", started, "circle")]
    if any(t.target == END for t in trail.graph.transitions):
        lines.append(_pseudo_node(END, "end", ended, "doublecircle"))
    return lines


def _pseudo_node(name: str, dom_id: str, taken: bool, shape: str) -> str:
    colour = INK if taken else IDLE_EDGE
    classes = f"pseudo {dom_id} {'taken' if taken else 'not-taken'}"
    return (
        f'  {_quoted(name)} [id="{dom_id}", class="{classes}", shape={shape}, label="", width=0.22, '
        f'style=filled, fillcolor="{colour}", color="{colour}"];'
    )


def _node_line(node: StateNode, mark: NodeMark, dom_id: str, trail: Trail) -> str:
    style = NODE_STYLES[mark.look]
    shape, base_style = _SHAPES.get(node.state_type, ("box", ""))
    styles = ["filled", *([base_style] if base_style else []), *(["dashed"] if style.dashed else [])]
    details = "".join(
        f'<br/><font point-size="9" color="{style.font}">{escape(line)}</font>' for line in detail_lines(mark, trail)
    )
    name = f"<b>{escape(node.name)}</b>" if mark.taken else escape(node.name)
    attributes = [
        f'id="{dom_id}"',
        f'class="{" ".join(mark.classes)}"',
        f"shape={shape}",
        f'style="{",".join(styles)}"',
        f'fillcolor="{style.fill}"',
        f'color="{style.stroke}"',
        f'fontcolor="{style.font}"',
        f"penwidth={style.penwidth}",
        f'tooltip="{_escaped_attribute(_tooltip(node))}"',
        f"label=<{name}{details}>",
    ]
    if style.double_border:
        attributes.append("peripheries=2")
    return f"  {_quoted(node.name)} [{', '.join(attributes)}];"


def _tooltip(node: StateNode) -> str:
    # Shown on hover in a browser: the state's type and the definition's own Comment, if it has one.
    return f"{node.state_type}: {node.name}" + (f" ({node.comment})" if node.comment else "")


def _edge_line(transition: Transition, taken: bool, ids: dict[str, str]) -> str:
    catch = transition.kind is TransitionKind.CATCH
    colour = (CAUGHT_EDGE if catch else TAKEN_EDGE) if taken else IDLE_EDGE
    classes = f"transition {'taken' if taken else 'not-taken'} {transition.kind.value}"
    attributes = [
        f'id="transition-{transition.index}"',
        f'class="{classes}"',
        f'color="{colour}"',
        f"penwidth={2.5 if taken else 1.0}",
    ]
    if catch:
        attributes.append("style=dashed")
    if transition.label:
        attributes += [f'label="{_escaped_attribute(transition.label)}"', f'fontcolor="{INK if taken else GREY_TEXT}"']
    # Heavy forward edges keep the happy path a straight spine; catches and rollback bend around it.
    attributes.append(f"weight={_FORWARD_WEIGHT if transition.kind in _FORWARD else 1}")
    return f"  {_quoted(transition.source)} -> {_quoted(transition.target)} [{', '.join(attributes)}];"


def _title_and_legend(trail: Trail) -> str:
    outcome = trail.outcome
    status = outcome.status + (f" ({outcome.error.error})" if outcome.error else "")
    title = f"<b>{escape(trail.execution.name)}</b>  ·  {escape(status)}  ·  {escape(duration(outcome.duration_s))}"
    cells = "".join(
        f'<td bgcolor="{NODE_STYLES[look].fill}" color="{NODE_STYLES[look].stroke}" border="1" '
        f'cellpadding="3"><font point-size="9">{escape(text)}</font></td>'
        for look, text in LEGEND
    )
    return (
        f'<table border="0" cellspacing="4"><tr><td colspan="{len(LEGEND)}">{title}</td></tr><tr>{cells}</tr></table>'
    )


def _quoted(name: str) -> str:
    return f'"{_escaped_attribute(name)}"'


def _escaped_attribute(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
