"""The saga's dead-letter queue: the escalations of compensations that failed after all their retries.

The escalation state (asl.saga_builder) sends {"executionArn", "orderId", "failedCompensation",
"pendingCompensations", "error", "originalFailure"}; the rollback workflow's (asl.rollback_builder) adds
"originExecutionArn" and "reason". Reading is either a *peek* (every message is made visible
again at once, so a check never hides work from a recovery) or a *lease* (messages stay hidden while a
recovery works on them; it deletes each one it resolved and releases the others).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_BATCH = 10  # SQS's maximum per ReceiveMessage


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt_handle: str
    execution_arn: str | None
    order_id: str | None
    failed_compensation: str | None
    pending_compensations: tuple[str, ...]
    body: dict[str, Any] = field(repr=False)
    # Set when a rollback workflow escalated (asl.rollback_builder): the saga execution it was rolling back.
    origin_execution_arn: str | None = None

    @property
    def saga_execution_arn(self) -> str | None:
        """The saga execution this letter is about, whether the saga or its rollback escalated."""
        return self.origin_execution_arn or self.execution_arn

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> DeadLetter:
        try:
            body = json.loads(message["Body"])
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        pending = body.get("pendingCompensations")
        return cls(
            message_id=message["MessageId"],
            receipt_handle=message["ReceiptHandle"],
            execution_arn=_text(body.get("executionArn")),
            order_id=_text(body.get("orderId")),
            failed_compensation=_text(body.get("failedCompensation")),
            pending_compensations=tuple(str(p) for p in pending) if isinstance(pending, list) else (),
            body=body,
            origin_execution_arn=_text(body.get("originExecutionArn")),
        )


def peek(sqs: Any, queue_url: str, long_poll: bool = True) -> list[DeadLetter]:
    """Every message in the queue, left in it and visible."""
    letters = lease(sqs, queue_url, visibility_timeout_s=60, long_poll=long_poll)
    release(sqs, queue_url, letters)
    return letters


def lease(sqs: Any, queue_url: str, visibility_timeout_s: int, long_poll: bool = True) -> list[DeadLetter]:
    """Every message currently visible, hidden from other readers for `visibility_timeout_s`.

    On AWS, `long_poll` makes an empty answer mean an empty queue: long polling asks every SQS server, short
    polling only a sample. The emulator's queue is one list, so it need not wait (a second per call).
    """
    letters: dict[str, DeadLetter] = {}
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=_BATCH,
            VisibilityTimeout=visibility_timeout_s,
            WaitTimeSeconds=1 if long_poll else 0,
        ).get("Messages", [])
        if not messages:
            return list(letters.values())
        for message in messages:
            letters.setdefault(message["MessageId"], DeadLetter.from_message(message))


def release(sqs: Any, queue_url: str, letters: list[DeadLetter]) -> None:
    for letter in letters:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0)


def delete(sqs: Any, queue_url: str, letter: DeadLetter) -> None:
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=letter.receipt_handle)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
