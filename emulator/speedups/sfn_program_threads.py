"""A state machine program runs in the thread that starts it, unless it has a TimeoutSeconds to enforce.

moto's ``Program.eval`` starts a thread for the program and joins it with the machine's TimeoutSeconds.
Without one (``timeout_seconds`` is None) the join waits for the end whatever happens, so the thread only
adds a thread start and a join per execution (the Standard execution already runs in a thread of its own;
an Express StartSyncExecution runs in the request's): the program runs in the calling thread instead,
exactly as the thread would have run it (``EvalComponent.eval``, whose ``_eval_body`` turns every error
into the execution's failure). A machine with TimeoutSeconds keeps moto's thread.

moto also appends every such thread (and each Task's timeout thread) to the module-level list
``TMP_THREADS``, which nothing in moto reads and nothing empties: a Thread object per execution and per
Task, for the life of the emulator. Each program start drops the threads of that list that have finished.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def inline_program_eval(
    original: Callable[[Any, Any], None], eval_component_eval: Callable[[Any, Any], None], threads: list[Any]
) -> Callable[[Any, Any], None]:
    """A replacement for ``Program.eval(self, env)``; ``eval_component_eval`` is what moto's thread runs."""

    def eval_program(program: Any, env: Any) -> None:
        forget_finished(threads)
        if program.timeout_seconds is not None:
            original(program, env)
            return
        env.next_state_name = program.start_at.start_at_name
        eval_component_eval(program, env)

    return eval_program


def forget_finished(threads: list[Any]) -> None:
    # In place: the interpreter's modules hold the list itself. Threads appended meanwhile may be dropped
    # from it too; nothing reads it.
    threads[:] = [thread for thread in threads if thread.is_alive()]
