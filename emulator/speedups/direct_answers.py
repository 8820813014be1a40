"""``BaseResponse.serialized`` for a JSON service whose frequent answers are written directly.

moto writes every answer through a serializer driven by the service model. For answers whose JSON can be
written straight from the result (dynamodb_item_responses, sfn_json_responses), ``DirectAnswers.serialized``
returns what the serializer would: status 200, the service's JSON content type and the handler's response
headers, around the subclass's ``body``; when ``body`` declines (None), or the result is not the action
result type the service's handler returns, moto's serializer answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any


class DirectAnswers(ABC):
    def __init__(self, service_model: Any, result_type: type[Any]) -> None:
        self._result_type = result_type
        self._content_type = f"application/x-amz-json-{service_model.metadata.get('jsonVersion', '1.0')}"

    @abstractmethod
    def body(self, operation: str, result: Any) -> str | None:
        """The body moto's serializer would write for ``result`` of ``operation``, or None to let it."""

    def serialized(self, original: Any, handler: Any, action_result: Any) -> Any:
        body = None
        if type(action_result) is self._result_type:
            body = self.body(handler._get_action(), action_result.result)
        if body is None:
            return original(handler, action_result)
        headers = {"Content-Type": self._content_type}
        headers.update(handler.response_headers)
        return 200, headers, body

    def replacing(self, original: Callable[..., Any]) -> Callable[..., Any]:
        """A replacement for the handler class's ``serialized(self, action_result)`` (``original``)."""

        def serialized(handler: Any, action_result: Any) -> Any:
            return self.serialized(original, handler, action_result)

        return serialized
