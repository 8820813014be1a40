"""GetExecutionHistory as AWS answers it: ``reverseOrder`` and pages (extension sfn-execution-history).

moto's response handler reads only the execution ARN: ``--reverse-order`` was ignored and every event came in
one page. AWS returns at most ``maxResults`` events (default 100, at most 1000) and a ``nextToken`` for the
rest, newest first when ``reverseOrder`` is true.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions.responses import StepFunctionResponse

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch


class InvalidToken(AWSError):
    TYPE = "InvalidToken"
    STATUS = 400

    def __init__(self, token: str) -> None:
        super().__init__(f"Invalid Token: '{token}'")


DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _encode_token(execution_arn: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([execution_arn, offset]).encode()).decode()


def _decode_token(token: str, execution_arn: str) -> int:
    try:
        arn, offset = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, TypeError):
        raise InvalidToken(token) from None
    if arn != execution_arn or not isinstance(offset, int) or offset < 0:
        raise InvalidToken(token)
    return offset


def history_page(events: list[Any], execution_arn: str, reverse_order: bool, max_results: int | None,
                 next_token: str | None) -> dict[str, Any]:
    ordered = list(reversed(events)) if reverse_order else list(events)
    page_size = min(max_results or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    start = _decode_token(next_token, execution_arn) if next_token else 0
    page: dict[str, Any] = {"events": ordered[start:start + page_size]}
    if start + page_size < len(ordered):
        page["nextToken"] = _encode_token(execution_arn, start + page_size)
    return page


def get_execution_history(response: Any) -> ActionResult:
    execution_arn = response._get_param("executionArn")
    history = response.stepfunction_backend.get_execution_history(execution_arn)
    return ActionResult(history_page(
        history["events"], execution_arn, bool(response._get_param("reverseOrder", False)),
        response._get_int_param("maxResults"), response._get_param("nextToken"),
    ))


EXTENSION = MotoExtension(
    name="sfn-execution-history",
    kind=Kind.FIDELITY,
    purpose="GetExecutionHistory honours reverseOrder, maxResults and nextToken",
    module=__name__,
    seams=(
        Signature(StepFunctionResponse, "get_execution_history", ("self",)),
        SourceLine(StepFunctionResponse, "get_execution_history", 'execution_arn = self._get_param("executionArn")'),
    ),
    install=lambda: patch(StepFunctionResponse, "get_execution_history", lambda _: get_execution_history),
)
