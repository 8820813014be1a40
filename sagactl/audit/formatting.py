"""Small text helpers shared by the renderers: durations, causes, truncation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

MAX_CAUSE_CHARS = 100


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes:.0f} min {rest:.0f} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours:.0f} h {minutes:.0f} min"


def offset(at: datetime, origin: datetime | None) -> str:
    if origin is None:
        return ""
    return f"+{(at - origin).total_seconds():.3f}s"


def timestamp(at: datetime | None) -> str:
    if at is None:
        return "-"
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def cause_summary(cause: str | None, limit: int = MAX_CAUSE_CHARS) -> str:
    """The readable part of a cause: a Lambda error's `errorMessage` (not its stack trace), one line."""
    if not cause:
        return ""
    text = cause
    try:
        parsed = json.loads(cause)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        text = str(parsed.get("errorMessage") or parsed.get("Cause") or parsed.get("message") or cause)
    return truncate(" ".join(text.split()), limit)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
