"""Step Functions' 256 KiB limit on execution input, enforced at the API as AWS does.

moto accepts any input and only checks state sizes inside the interpreter, so an oversized order would run
(and reach the handlers). AWS refuses it at StartExecution / StartSyncExecution, before looking up the state
machine, with a ValidationException whose message never quotes the (sensitive) input.
"""

from __future__ import annotations

from moto.core.exceptions import AWSError

MAX_INPUT_BYTES = 262_144  # 256 KiB of UTF-8


class ExecutionInputTooLarge(AWSError):
    TYPE = "ValidationException"
    STATUS = 400

    def __init__(self) -> None:
        super().__init__(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: "
            f"Member must have size less than or equal to {MAX_INPUT_BYTES} bytes in UTF-8 encoding"
        )


def check_input_size(execution_input: str | None) -> None:
    if execution_input is not None and len(execution_input.encode("utf-8")) > MAX_INPUT_BYTES:
        raise ExecutionInputTooLarge()
