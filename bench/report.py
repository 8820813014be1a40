"""What every benchmark returns: its tables (printed, and as markdown for docs), its figures (JSON) and the targets
it checks (at most N of something). A helper of the benchmark modules, not run by itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sagactl.text_table import render_table


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    notes: Sequence[str] = ()

    def text(self) -> str:
        notes = "".join(f"\n  {note}" for note in self.notes)
        return f"{self.title}\n{render_table(self.headers, self.rows)}{notes}"

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(map(str, self.headers)) + " |"]
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows)
        lines.extend(f"\n{note}" for note in self.notes)
        return "\n".join(lines)


@dataclass
class Result:
    name: str
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)

    def print(self) -> None:
        for table in self.tables:
            print(table.text(), end="\n\n", flush=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "figures": self.figures,
            "targets": [target.to_json() for target in self.targets],
            "tables": [{"title": t.title, "headers": list(t.headers), "rows": [list(map(str, r)) for r in t.rows]}
                       for t in self.tables],
        }


@dataclass(frozen=True)
class Target:
    """One target of the issue, checked against a measured figure."""

    name: str
    wanted: str  # e.g. "<= 3 x"
    measured: float
    met: bool
    unit: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.name, "wanted": self.wanted, "measured": self.measured, "unit": self.unit, "met": self.met
        }


def at_most(name: str, measured: float, limit: float, unit: str) -> Target:
    return Target(name, f"<= {limit:g} {unit}".strip(), measured, measured <= limit, unit)


def targets_table(results: Sequence[Result]) -> Table:
    rows = [
        (target.name, target.wanted, f"{target.measured:.1f} {target.unit}".strip(), "met" if target.met else "NOT MET")
        for result in results
        for target in result.targets
    ]
    return Table("Targets", ("target", "wanted", "measured", "status"), rows)


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
