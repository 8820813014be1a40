"""A stand-in for a moto response handler: what DirectAnswers.serialized reads from the real one."""

from __future__ import annotations


class HandlerDouble:
    def __init__(self, action: str, request_id_header: str = "x-amzn-RequestId") -> None:
        self.action = action
        self.response_headers = {request_id_header: "r-1"}

    def _get_action(self) -> str:
        return self.action
