"""Reads the JSON the state machine passes a step into the domain's dataclasses: strictly (no coercion: `true`,
`1.0` and `"2"` are not integers), collecting every problem, then raising them as one InvalidOrderException.

Messages never quote the input: it carries the payment token. The steps read with this rather than pydantic:
their input was already validated by validate_order, and pydantic's import and model building would be most of
each step's cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from checkout_domain.errors import InvalidOrderException
from checkout_domain.field_errors import Path, reported

FIELD_REQUIRED = "Field required"  # pydantic's words, as validate_order reports a missing field


class _Missing:
    """A field that is absent (already reported as missing, so not reported again as mistyped)."""


MISSING: Final = _Missing()


class JsonReader:
    def __init__(self, secret: str | None) -> None:
        self._secret = secret
        self._problems: list[tuple[Path, str]] = []

    def problem(self, path: Path, message: str) -> None:
        self._problems.append((path, message))

    @property
    def clean(self) -> bool:
        """No problem so far: every value read is the input's own, no placeholder."""
        return not self._problems

    def raise_if_any(self) -> None:
        if self._problems:
            raise InvalidOrderException(reported(self._problems, self._secret))

    def fields(
        self, value: object, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (), *, closed: bool
    ) -> dict[str, Any]:
        """A JSON object's fields, reporting missing ones and (if `closed`) unknown ones. Absent fields read as
        MISSING; a value that is not an object reads as having none (and is reported once)."""
        absent = dict.fromkeys((*required, *optional), MISSING)
        if value is MISSING:
            return absent
        if not isinstance(value, dict):
            self.problem(path, "must be a JSON object")
            return absent
        for name in required:
            if name not in value:
                self.problem([*path, name], FIELD_REQUIRED)
        if closed:
            known = {*required, *optional}
            for name in value:
                if name not in known:
                    self.problem([*path, str(name)], "Extra inputs are not permitted")
        return {name: value.get(name, MISSING) for name in absent}

    def text(self, value: object, path: Path, rule: Callable[[str], str | None] | None = None) -> str:
        if value is MISSING:
            return ""
        if not isinstance(value, str):
            self.problem(path, "must be a string")
            return ""
        broken = rule(value) if rule else None
        if broken:
            self.problem(path, broken)
        return value

    def integer(self, value: object, path: Path, low: int | None = None, high: int | None = None) -> int:
        if value is MISSING:
            return 0
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(path, "must be an integer")
            return 0
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(path, f"must be between {low} and {high}" if high is not None else f"must be at least {low}")
        return value

    def array(self, value: object, path: Path, lengths: tuple[int, int] | None = None) -> list[Any]:
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a JSON array")
            return []
        if lengths and not lengths[0] <= len(value) <= lengths[1]:
            self.problem(path, f"must hold {lengths[0]} to {lengths[1]} entries")
        return value

    def one_of(self, value: object, path: Path, allowed: tuple[str, ...]) -> str:
        """One of `allowed`; an absent value reads as the first (the default, or already reported as missing)."""
        if value is MISSING:
            return allowed[0]
        if value not in allowed:
            self.problem(path, f"must be one of {', '.join(allowed)}")
            return allowed[0]
        return str(value)
