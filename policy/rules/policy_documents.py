"""Reading IAM policy documents as the engine passes them: JSON text, single values or lists."""

from __future__ import annotations

import json
from typing import Any

Statement = dict[str, Any]


def statements(document: Any) -> list[Statement]:
    parsed = json.loads(document) if isinstance(document, str) else document
    listed = (parsed or {}).get("Statement", [])
    return [listed] if isinstance(listed, dict) else list(listed)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def label(statement: Statement, index: int) -> str:
    return f"statement {statement.get('Sid') or index}"
