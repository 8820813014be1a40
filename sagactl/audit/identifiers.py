"""Stable identifiers for states in generated files: SVG element ids, Mermaid node ids.

State names are free text in ASL; these ids keep only safe characters and stay unique, so a test or a
stylesheet can find a state in the SVG as `state-<Name>` whatever the name contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def identifiers(names: Iterable[str], prefix: str) -> dict[str, str]:
    taken: set[str] = set()
    result: dict[str, str] = {}
    for name in names:
        base = f"{prefix}{_UNSAFE.sub('_', name).strip('_') or 'state'}"
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}_{counter}", counter + 1
        taken.add(candidate)
        result[name] = candidate
    return result


def svg_state_ids(names: Iterable[str]) -> dict[str, str]:
    return identifiers(names, "state-")
