"""A small thread-safe LRU map, for the emulator's caches of parsed moto inputs (definitions, expressions).

The values are results of pure parses: when two threads miss the same key at once, both parse and the first
stored result is the one kept and returned to both. The parse itself runs outside the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class LockedLru(Generic[Value]):
    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def keep(self, key: Hashable, value: Value) -> Value:
        """Stores ``value`` unless another thread stored one for ``key`` first; returns the one kept."""
        with self._lock:
            kept = self._entries.setdefault(key, value)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
            return kept

    def __len__(self) -> int:
        return len(self._entries)
