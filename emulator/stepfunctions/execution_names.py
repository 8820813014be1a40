"""Execution names checked as AWS checks them at StartExecution and StartSyncExecution, Standard and Express.

moto's Step Functions parser backend runs executions under any name (its older backend had the check). AWS: at
most 80 characters (a ValidationException, like every length constraint of the API), and no whitespace,
brackets, wildcards, special characters or control characters (InvalidName).
"""

from __future__ import annotations

import unicodedata

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.api import InvalidName

MAX_NAME_LENGTH = 80
_FORBIDDEN = set('<>{}[]?*"#%\\^|~`$&,;:/')


class ExecutionNameTooLong(AWSError):
    TYPE = "ValidationException"
    STATUS = 400

    def __init__(self, name: str) -> None:
        super().__init__(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_NAME_LENGTH}"
        )


def _forbidden(character: str) -> bool:
    code = ord(character)
    return (
        character in _FORBIDDEN
        or character.isspace()
        or code <= 0x1F
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
        or unicodedata.category(character) == "Zs"
    )


def check_execution_name(name: str | None) -> None:
    """None is fine (AWS generates a UUID); an empty name is refused by the SDKs before it is sent."""
    if name is None:
        return
    if len(name) > MAX_NAME_LENGTH:
        raise ExecutionNameTooLong(name)
    if not name or any(_forbidden(character) for character in name):
        raise InvalidName(f"Invalid Name: '{name}'")
