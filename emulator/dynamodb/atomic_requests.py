"""Every DynamoDB request atomic, as DynamoDB makes it (extension dynamodb-atomic-requests).

moto's DynamoDB has no locking: a conditional write checks, then writes, and under concurrent sagas another
write could land in between and pass a check it had just invalidated; a cancelled TransactWriteItems puts back
copies of the items it touched, wiping writes that other requests made meanwhile (seen as lost stock and
"dictionary changed size during iteration" 500s). One lock around each request restores DynamoDB's promise;
moto's pure-Python work was serialized by the interpreter lock anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.responses import DynamoHandler

from emulator.moto_seams import Kind, MotoExtension, Signature, patch

_lock = threading.Lock()


def _install() -> None:
    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def call_action(self: Any) -> Any:
            with _lock:
                return original(self)

        return call_action

    patch(DynamoHandler, "call_action", wrap)


EXTENSION = MotoExtension(
    name="dynamodb-atomic-requests",
    kind=Kind.FIDELITY,
    purpose="each DynamoDB request runs alone: conditional writes and transactions are atomic, as on DynamoDB",
    module=__name__,
    seams=(Signature(DynamoHandler, "call_action", ("self",)),),
    install=_install,
)
