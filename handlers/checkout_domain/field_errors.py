"""How the problems of an order or a step's input are reported: one `FieldError` per problem, at most a bounded
number of them, each naming its field by path ("items.0.quantity").

Paths can hold client-chosen text (the names of unknown fields): a name holding the payment token or a card
number is redacted, a long one cut. Shared by the front door (validation) and the steps (json_input).
"""

from __future__ import annotations

from collections.abc import Sequence

from checkout_domain.card_numbers import contains_card_number
from checkout_domain.errors import FieldError

# Enough to fix a broken order in one go; bounded so the message fits a Step Functions Cause (32 KiB).
MAX_REPORTED_ERRORS = 20
MAX_FIELD_NAME_LENGTH = 64
ROOT = "$"
REDACTED = "<redacted>"

Path = Sequence[int | str]


def reported(problems: Sequence[tuple[Path, str]], secret: str | None) -> list[FieldError]:
    """The first MAX_REPORTED_ERRORS problems as FieldErrors, then how many more there were."""
    errors: list[FieldError] = [
        {"field": field_name(path, secret), "message": message} for path, message in problems[:MAX_REPORTED_ERRORS]
    ]
    if len(problems) > MAX_REPORTED_ERRORS:
        errors.append({"field": ROOT, "message": f"{len(problems) - MAX_REPORTED_ERRORS} more errors not shown"})
    return errors


def field_name(path: Path, secret: str | None) -> str:
    return ".".join(_path_part(part, secret) for part in path) or ROOT


def _path_part(part: int | str, secret: str | None) -> str:
    if isinstance(part, int):  # a list index
        return str(part)
    if (secret and secret in part) or contains_card_number(part):
        return REDACTED
    if len(part) > MAX_FIELD_NAME_LENGTH:
        return part[:MAX_FIELD_NAME_LENGTH] + "..."
    return part


def token_in(data: object) -> str | None:
    """The payment token an order carries (to keep it out of reported field names), if it has one."""
    token = data.get("payment_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None
