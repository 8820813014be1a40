"""A task attempt that timed out records nothing more (extension sfn-timed-out-attempts).

AWS: once TimeoutSeconds ends a task attempt (TaskTimedOut, then Retry, Catch or ExecutionFailed), that attempt
is over; whatever its worker does later leaves no trace in the execution's history. moto runs each attempt on a
thread of its own and stops waiting for it at the timeout, but the thread goes on, and it keeps the execution's
event manager: a Lambda answering after the timeout added LambdaFunctionSucceeded after the Catch's states, and an
attempt still evaluating its Arguments when its frame ended went on with every evaluation skipped, took whatever
was left on its stack for the payload and the timeout, and recorded a LambdaFunctionScheduled whose
timeoutInSeconds was a JSON object. That event made GetExecutionHistory fail (500) for good. Here a timed-out
attempt's frame gets an event manager that keeps nothing, before the frame is ended.

The method is moto's ``ExecutionState._evaluate_with_timeout`` with that one change (marked below); a digest of
moto's source makes any change to it fail the compatibility check, so the copy is made again from the new one.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import threading
from threading import Thread
from typing import Any

from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import EvalTimeoutError
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.utils import TMP_THREADS

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, original, patch

COPIED_SOURCE_SHA256 = "c56deda08a42e98d3958bfb2ab95de74c7ec7a515085614a80e1ea4948722485"


class DiscardedEvents(EventManager):
    """The event manager of an attempt that is over: what it adds is dropped (no history, no log)."""

    def add_event(self, *args: Any, **kwargs: Any) -> int:
        return 0


def _evaluate_with_timeout(self: Any, env: Environment) -> None:
    self.timeout.eval(env=env)
    timeout_seconds: int = env.stack.pop()

    frame: Environment = env.open_frame()
    frame.states.reset(input_value=env.states.get_input())
    frame.stack = copy.deepcopy(env.stack)
    execution_outputs: list[Any] = []
    execution_exceptions: list[Exception | None] = [None]
    terminated_event = threading.Event()

    def _exec_and_notify() -> None:
        try:
            self._eval_execution(frame)
            execution_outputs.extend(frame.stack)
        except Exception as ex:
            execution_exceptions.append(ex)
        terminated_event.set()

    thread = Thread(target=_exec_and_notify, daemon=True)
    TMP_THREADS.append(thread)
    thread.start()

    finished_on_time: bool = terminated_event.wait(timeout_seconds)
    if not finished_on_time:  # the change: the attempt's thread goes on, its events go nowhere
        frame.event_manager = DiscardedEvents()
    frame.set_ended()
    env.close_frame(frame)

    execution_exception = execution_exceptions.pop()
    if execution_exception:
        raise execution_exception

    if not finished_on_time:
        raise EvalTimeoutError()

    execution_output = execution_outputs.pop()
    env.stack.append(execution_output)

    if not self._is_language_query_jsonpath():
        env.states.set_result(execution_output)

    if self.assign_decl:
        self.assign_decl.eval(env=env)

    if self.result_selector:
        self.result_selector.eval(env=env)

    if self.result_path:
        self.result_path.eval(env)
    else:
        res = env.stack.pop()
        env.states.reset(input_value=res)


def source_digest() -> str:
    """sha256 of moto's ``ExecutionState._evaluate_with_timeout`` as written (the source copied above)."""
    source = inspect.getsource(original(ExecutionState._evaluate_with_timeout))
    return hashlib.sha256(source.encode()).hexdigest()


EXTENSION = MotoExtension(
    name="sfn-timed-out-attempts",
    kind=Kind.FIDELITY,
    purpose="a task attempt that timed out adds no event to the history afterwards (it broke GetExecutionHistory)",
    module=__name__,
    seams=(
        Signature(ExecutionState, "_evaluate_with_timeout", ("self", "env")),
        Holds("ExecutionState._evaluate_with_timeout is the source copied in this module",
              lambda: source_digest() == COPIED_SOURCE_SHA256),
        # Each event is added through the frame's own event_manager attribute, read at every add_event.
        SourceLine(Environment, "as_inner_frame_of", "frame.event_manager = env.event_manager"),
        Signature(EventManager, "add_event",
                  ("self", "context", "event_type", "event_details", "timestamp", "update_source_event_id")),
    ),
    install=lambda: patch(ExecutionState, "_evaluate_with_timeout", lambda _: _evaluate_with_timeout),
)
