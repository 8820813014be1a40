"""Read back what the picture marks: the class list of every state node and transition in the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class SvgElement:
    id: str
    title: str  # Graphviz writes the DOT node name (or `a->b`) as the group's <title>
    classes: frozenset[str]
    fills: tuple[str, ...]  # fill colours of the shapes drawn for it


def read_svg(path: Path) -> tuple[dict[str, SvgElement], list[SvgElement]]:
    """(state nodes by state name, transitions) of a picture written by `write_pictures`."""
    root = ElementTree.parse(path).getroot()  # also proves the file is well-formed XML
    assert root.tag == f"{SVG}svg"
    nodes: dict[str, SvgElement] = {}
    transitions: list[SvgElement] = []
    for group in root.iter(f"{SVG}g"):
        classes = frozenset((group.get("class") or "").split())
        title = group.findtext(f"{SVG}title") or ""
        fills = tuple(
            shape.get("fill", "")
            for shape in group.iter()  # shapes sit inside the tooltip's <a>, not directly in the group
            if shape.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse") and shape.get("fill") != "none"
        )
        element = SvgElement(group.get("id", ""), title, classes, fills)
        if "state" in classes:
            nodes[title] = element
        elif "transition" in classes:
            transitions.append(element)
    return nodes, transitions
