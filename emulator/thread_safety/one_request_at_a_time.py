"""An ``around`` implementation that runs a service's requests one at a time, for moto services with no locking
(emulator/dynamodb and emulator/iam say why each needs it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def one_at_a_time() -> Callable[[Callable[[Any], Any], Any], Any]:
    """A ``call_action`` wrapper with a lock of its own: one per service, so services do not wait on each other."""
    lock = threading.Lock()

    def call_alone(call_action: Callable[[Any], Any], handler: Any) -> Any:
        with lock:
            return call_action(handler)

    return call_alone
