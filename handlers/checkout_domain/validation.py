"""Turns untrusted step input into models, or into an `InvalidOrderException` listing every problem.

pydantic's own ValidationError is never allowed out: its text quotes the input, and the input carries the
payment token. Messages here come from the error type (pydantic's or ours), never from the input, except the
names of unknown fields, which are echoed to help the client and redacted if they contain the token or a card
number.
"""

from __future__ import annotations

from typing import TypeVar

from aws_lambda_powertools.utilities.parser import parse
from pydantic import BaseModel, ValidationError

from checkout_domain.card_numbers import contains_card_number
from checkout_domain.errors import FieldError, InvalidOrderException
from checkout_domain.models import OrderInput

# Enough to fix a broken order in one go; bounded so the message fits a Step Functions Cause (32 KiB).
MAX_REPORTED_ERRORS = 20
MAX_FIELD_NAME_LENGTH = 64
ROOT = "$"
REDACTED = "<redacted>"

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_order_input(event: object) -> OrderInput:
    """validate_order: the raw execution input -> the order as the client sent it, checked."""
    return _parse(event, OrderInput, secret=_token_in(event))


def parse_step_request(event: object, model: type[ModelT]) -> ModelT:
    """Any later step: {"order": ..., "results": ...} -> `model`, re-validating the order."""
    order = event.get("order") if isinstance(event, dict) else None
    return _parse(event, model, secret=_token_in(order))


def _parse(event: object, model: type[ModelT], secret: str | None) -> ModelT:
    if not isinstance(event, dict):
        # Also refuses a JSON *string*, which powertools' parse() would decode: a doubly encoded order is a
        # client bug to report, not to guess around.
        raise InvalidOrderException([{"field": ROOT, "message": "must be a JSON object"}])
    try:
        return parse(event=event, model=model)
    except ValidationError as exc:
        # `from None`: the ValidationError (which quotes the token) must not ride along as __context__.
        raise InvalidOrderException(_field_errors(exc, secret)) from None


def _token_in(data: object) -> str | None:
    token = data.get("payment_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def _field_errors(exc: ValidationError, secret: str | None) -> list[FieldError]:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    reported: list[FieldError] = [
        {"field": _field_name(error["loc"], secret), "message": error["msg"]} for error in errors[:MAX_REPORTED_ERRORS]
    ]
    if len(errors) > MAX_REPORTED_ERRORS:
        reported.append({"field": ROOT, "message": f"{len(errors) - MAX_REPORTED_ERRORS} more errors not shown"})
    return reported


def _field_name(loc: tuple[int | str, ...], secret: str | None) -> str:
    return ".".join(_path_part(part, secret) for part in loc) or ROOT


def _path_part(part: int | str, secret: str | None) -> str:
    if isinstance(part, int):  # a list index
        return str(part)
    # String parts can be client-chosen: the names of unknown fields.
    if (secret and secret in part) or contains_card_number(part):
        return REDACTED
    if len(part) > MAX_FIELD_NAME_LENGTH:
        return part[:MAX_FIELD_NAME_LENGTH] + "..."
    return part
