"""The same highlighted graph as Mermaid `flowchart` text, which GitHub renders inside Markdown."""

from __future__ import annotations

from sagactl.audit.graph import END, START, StateNode, TransitionKind
from sagactl.audit.identifiers import identifiers
from sagactl.audit.node_labels import detail_lines
from sagactl.audit.palette import CAUGHT_EDGE, IDLE_EDGE, NODE_STYLES, TAKEN_EDGE
from sagactl.audit.path_marks import Look, mark_nodes, taken_transitions
from sagactl.audit.trail import Trail

_SHAPES = {
    "Task": ("(", ")"),
    "Pass": ("[", "]"),
    "Choice": ("{", "}"),
    "Fail": ("{{", "}}"),
    "Succeed": ("([", "])"),
    "Parallel": ("[[", "]]"),
    "Map": ("[[", "]]"),
}


def render_mermaid(trail: Trail) -> str:
    marks = mark_nodes(trail)
    taken = taken_transitions(trail)
    ids = identifiers(trail.graph.states, "state_")
    ids.update({START: "start", END: "done"})  # not `end`: a Mermaid keyword that ends a subgraph
    lines = ["flowchart TD", '    start(("start"))']
    if any(t.target == END for t in trail.graph.transitions):
        lines.append('    done((("end")))')
    for name, node in trail.graph.states.items():
        lines.append(f"    {ids[name]}{_shaped_label(node, detail_lines(marks[name], trail))}")
    link_styles: list[str] = []
    for position, transition in enumerate(trail.graph.transitions):
        arrow = "-.->" if transition.kind is TransitionKind.CATCH else "-->"
        label = f'|"{_escaped(transition.label)}"|' if transition.label else ""
        lines.append(f"    {ids[transition.source]} {arrow}{label} {ids[transition.target]}")
        colour = IDLE_EDGE
        if transition.index in taken:
            colour = CAUGHT_EDGE if transition.kind is TransitionKind.CATCH else TAKEN_EDGE
        width = 3 if transition.index in taken else 1
        link_styles.append(f"    linkStyle {position} stroke:{colour},stroke-width:{width}px")
    lines += link_styles
    lines += _class_definitions()
    by_look: dict[Look, list[str]] = {}
    for name, mark in marks.items():
        by_look.setdefault(mark.look, []).append(ids[name])
    for look, members in by_look.items():
        lines.append(f"    class {','.join(members)} {look.value}")
    return "\n".join(lines) + "\n"


def _shaped_label(node: StateNode, details: list[str]) -> str:
    opening, closing = _SHAPES.get(node.state_type, ("[", "]"))
    text = "<br/>".join([f"<b>{_escaped(node.name)}</b>", *(f"<small>{_escaped(d)}</small>" for d in details)])
    return f'{opening}"{text}"{closing}'


def _class_definitions() -> list[str]:
    lines = []
    for look, style in NODE_STYLES.items():
        width = 4 if style.double_border else style.penwidth
        dash = ",stroke-dasharray:5 3" if style.dashed else ""
        lines.append(
            f"    classDef {look.value} fill:{style.fill},stroke:{style.stroke},"
            f"stroke-width:{width:g}px,color:{style.font}{dash}"
        )
    return lines


def _escaped(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
