"""Colours and strokes of the picture, shared by the Graphviz and Mermaid renderings.

Green succeeded, red failed, amber compensation, grey not taken; a double border marks the terminal
state. Colours are paired with strokes (dashes, borders) so the picture reads in greyscale too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sagactl.audit.path_marks import Look


@dataclass(frozen=True)
class NodeStyle:
    fill: str
    stroke: str
    font: str
    penwidth: float
    dashed: bool = False
    double_border: bool = False


GREEN_FILL, GREEN = "#dff3e3", "#2e7d32"
RED_FILL, RED = "#fbe1e1", "#c62828"
AMBER_FILL, AMBER = "#ffecc7", "#e65100"
BLUE_FILL, BLUE = "#e3effd", "#1565c0"
GREY_FILL, GREY, GREY_TEXT = "#f6f6f6", "#c4c4c4", "#9e9e9e"
INK = "#212121"

NODE_STYLES: dict[Look, NodeStyle] = {
    Look.NOT_TAKEN: NodeStyle(GREY_FILL, GREY, GREY_TEXT, 1.0),
    Look.NOT_TAKEN_COMPENSATION: NodeStyle(GREY_FILL, GREY, GREY_TEXT, 1.0, dashed=True),
    Look.SUCCEEDED: NodeStyle(GREEN_FILL, GREEN, INK, 2.0),
    Look.FAILED: NodeStyle(RED_FILL, RED, INK, 2.5),
    Look.COMPENSATED: NodeStyle(AMBER_FILL, AMBER, INK, 2.5, dashed=True),
    Look.COMPENSATION_FAILED: NodeStyle(RED_FILL, AMBER, INK, 2.5, dashed=True),
    Look.TERMINAL_SUCCEEDED: NodeStyle(GREEN_FILL, GREEN, INK, 2.5, double_border=True),
    Look.TERMINAL_FAILED: NodeStyle(RED_FILL, RED, INK, 2.5, double_border=True),
    Look.RUNNING: NodeStyle(BLUE_FILL, BLUE, INK, 2.5),
}

TAKEN_EDGE = "#37474f"
CAUGHT_EDGE = RED
IDLE_EDGE = "#cccccc"

LEGEND: tuple[tuple[Look, str], ...] = (
    (Look.SUCCEEDED, "succeeded"),
    (Look.FAILED, "failed (error caught or fatal)"),
    (Look.COMPENSATED, "compensation run"),
    (Look.COMPENSATION_FAILED, "compensation failed"),
    (Look.TERMINAL_FAILED, "terminal state (double border)"),
    (Look.NOT_TAKEN, "not taken"),
)
