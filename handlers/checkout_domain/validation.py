"""validate_order's front door: the untrusted execution input -> an `OrderInput`, or an `InvalidOrderException`
listing every problem.

pydantic's own ValidationError is never allowed out: its text quotes the input, and the input carries the
payment token. Messages here come from the error type (pydantic's or ours), never from the input, except the
names of unknown fields, which are echoed to help the client and redacted if they contain the token or a card
number (field_errors).
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser import parse
from pydantic import ValidationError

from checkout_domain.errors import InvalidOrderException
from checkout_domain.field_errors import MAX_REPORTED_ERRORS, ROOT, reported, token_in
from checkout_domain.order_input import OrderInput

__all__ = ["MAX_REPORTED_ERRORS", "parse_order_input"]


def parse_order_input(event: object) -> OrderInput:
    """The raw execution input -> the order as the client sent it, checked."""
    if not isinstance(event, dict):
        # Also refuses a JSON *string*, which powertools' parse() would decode: a doubly encoded order is a
        # client bug to report, not to guess around.
        raise InvalidOrderException([{"field": ROOT, "message": "must be a JSON object"}])
    try:
        return parse(event=event, model=OrderInput)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        # `from None`: the ValidationError (which quotes the token) must not ride along as __context__.
        raise InvalidOrderException(reported([(e["loc"], e["msg"]) for e in errors], token_in(event))) from None
