"""How many workers of one emulator may be starting at once (a cold start imports the handler and its SDKs).

Lambda scales out without such a limit: each execution environment has its own CPU. The emulator's workers share
the machine's few cores, so a burst that starts many at once slows each of them down alike (on two cores, two
dozen imports take a dozen times longer each), and past Lambda's 10 s init limit they all fail, where AWS would
have run every one in well under it. Started a few at a time, each cold start takes about what it takes alone,
and an invocation waiting for its turn takes a worker that came free meanwhile instead, as it would on Lambda
once the burst is absorbed.
"""

from __future__ import annotations

import os
import threading
import weakref

# One per core: a cold start is CPU-bound (imports), so more at once only shares the cores out thinner.
DEFAULT_LIMIT = max(1, os.cpu_count() or 1)


class ColdStarts:
    """Slots for starting workers, shared by every pool of one runtime. A pool that finds none waits on its own
    condition; each slot given back wakes every pool, whose waiting invocations look again (an idle worker of
    their own, or the free slot)."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"the cold start limit must be at least 1, got {limit}")
        self.limit = limit
        self._lock = threading.Lock()
        self._starting = 0
        self._waiting_pools: weakref.WeakSet[threading.Condition] = weakref.WeakSet()

    def try_begin(self, waiting_pool: threading.Condition) -> bool:
        """Takes a slot if one is free; otherwise remembers the pool's condition, to wake it when one is."""
        with self._lock:
            if self._starting < self.limit:
                self._starting += 1
                return True
            self._waiting_pools.add(waiting_pool)
            return False

    def end(self) -> None:
        with self._lock:
            self._starting -= 1
            waiting, self._waiting_pools = list(self._waiting_pools), weakref.WeakSet()
        for condition in waiting:  # never under self._lock: a pool calls try_begin holding its condition
            with condition:
                condition.notify_all()
