"""IAM requests run one at a time (iam-atomic-requests): a deploy creates roles and reads them side by side, and
moto's IAM, unlocked, failed one of them on CI with a 500 (a dict changed while another request walked it)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from emulator.thread_safety.one_request_at_a_time import one_at_a_time


def test_requests_never_overlap() -> None:
    running: list[int] = []
    most_at_once = 0
    guard = threading.Lock()

    def slow_action(handler: object) -> str:
        nonlocal most_at_once
        with guard:
            running.append(1)
            most_at_once = max(most_at_once, len(running))
        time.sleep(0.05)  # a request long enough for every other thread to try its own meanwhile
        with guard:
            running.pop()
        return "answered"

    with ThreadPoolExecutor(max_workers=6) as pool:
        call_alone = one_at_a_time()
        answers = list(pool.map(lambda _: call_alone(slow_action, object()), range(6)))

    assert answers == ["answered"] * 6
    assert most_at_once == 1

