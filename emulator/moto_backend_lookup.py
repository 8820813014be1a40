"""moto's lookup of a service's backend for an account, without moto's global lock once that backend exists.

``BackendDict.__getitem__(account_id)`` runs on every request (the response class finds its backend), on every
log event our sink writes and on every IAM "account visited" mark. It first calls
``_create_account_specific_backend``, which takes moto's process-wide ``backend_lock``, lists the dict's keys and
scans ``BackendDict._instances`` with a Python-level ``__eq__`` — on every lookup, although a backend is created
once. Under concurrent executions every thread queues on that one lock: py-spy on the emulator under Express
load put 60 % of its busy samples in that function.

Creating a backend stays exactly as moto does it (under the lock). An existing one is returned directly: moto
stores an account's backend and registers the BackendDict in ``_instances`` in the same locked block, and
``BackendDict.reset()`` clears both together, so "has the account" implies "registered".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def existing_backend_first(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """Wraps ``BackendDict.__getitem__(self, account_id)``."""

    def __getitem__(self: Any, account_id: str) -> Any:
        try:
            return dict.__getitem__(self, account_id)
        except KeyError:
            return original(self, account_id)  # first use in this account: moto creates it, under its lock

    return __getitem__
