"""Small text helpers shared by the renderers: durations, causes, wrapping; truncation for picture labels."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime

LINE_WIDTH = 120


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


def readable_cause(cause: str | None) -> str:
    """The readable part of a cause, whole, on one line: a Lambda error's `errorMessage` (not its stack trace)."""
    if not cause:
        return ""
    text = cause
    try:
        parsed = json.loads(cause)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        text = str(parsed.get("errorMessage") or parsed.get("Cause") or parsed.get("message") or cause)
    return " ".join(text.split())


def wrapped(text: str, indent: str, width: int = LINE_WIDTH) -> list[str]:
    """``text`` on lines of at most ``width`` characters (a word longer than that keeps its line), the
    continuation lines indented by ``indent``: nothing is cut."""
    return textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def truncate(text: str, limit: int) -> str:
    """For the picture's labels, which must stay small (the timeline and --json show everything)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
