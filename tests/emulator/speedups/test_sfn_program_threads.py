"""A program without TimeoutSeconds runs in the calling thread; finished interpreter threads are let go."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from emulator.sfn_program_threads import forget_finished, inline_program_eval


def program(timeout_seconds: Any) -> Any:
    return SimpleNamespace(timeout_seconds=timeout_seconds, start_at=SimpleNamespace(start_at_name="First"))


def test_without_a_timeout_the_program_runs_here() -> None:
    ran: list[tuple[str, int, str]] = []
    eval_program = inline_program_eval(
        lambda _program, _env: ran.append(("moto's thread", 0, "")),
        lambda _program, env: ran.append(("inline", threading.get_ident(), env.next_state_name)),
        [],
    )

    eval_program(program(None), SimpleNamespace(next_state_name=None))

    assert ran == [("inline", threading.get_ident(), "First")]


def test_with_a_timeout_moto_runs_it_in_its_thread() -> None:
    ran: list[str] = []
    eval_program = inline_program_eval(lambda _program, _env: ran.append("moto's thread"),
                                       lambda _program, _env: ran.append("inline"), [])

    eval_program(program(SimpleNamespace(timeout_seconds=5)), SimpleNamespace(next_state_name=None))

    assert ran == ["moto's thread"]


def test_finished_threads_are_dropped_from_the_list_in_place() -> None:
    release = threading.Event()
    running = threading.Thread(target=release.wait)
    finished = threading.Thread(target=lambda: None)
    running.start()
    finished.start()
    finished.join()
    threads = [finished, running, threading.Thread(target=lambda: None)]  # the last one never started
    same_list = threads

    forget_finished(threads)

    assert threads is same_list and threads == [running]
    release.set()
    running.join()
