"""Assign as AWS evaluates it: within its size limits, and without its values showing in the same state's Output.

Size limits (moto has none): the Variables documentation sets three: one variable's value, everything one
Assign field assigns, and all the variables an execution holds (here: all in scope). Sizes are the values' JSON
in UTF-8. The state fails with States.Runtime before any variable of the Assign is set, as AWS evaluates every
binding before assigning.
"""

from __future__ import annotations

import json
from typing import Any

from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

KIB = 1024
MAX_VARIABLE_BYTES = 256 * KIB
MAX_ASSIGN_BYTES = 256 * KIB
MAX_EXECUTION_VARIABLES_BYTES = 10 * KIB * KIB


def json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def limit_exceeded(declarations: dict[str, Any], current: dict[str, Any]) -> str | None:
    """Why this Assign may not happen, or None. ``current``: the variables in scope before it."""
    sizes = {name: json_size(value) for name, value in declarations.items()}
    for name, size in sizes.items():
        if size > MAX_VARIABLE_BYTES:
            return (f"The value assigned to the variable '{name}' is {size} bytes, over the limit of "
                    f"{MAX_VARIABLE_BYTES} bytes for one variable")
    if sum(sizes.values()) > MAX_ASSIGN_BYTES:
        return (f"The variables assigned by this state total {sum(sizes.values())} bytes, over the limit of "
                f"{MAX_ASSIGN_BYTES} bytes for one Assign")
    total = sum(json_size(value) for name, value in current.items() if name not in declarations) + sum(sizes.values())
    if total > MAX_EXECUTION_VARIABLES_BYTES:
        return (f"The execution's variables would total {total} bytes, over the limit of "
                f"{MAX_EXECUTION_VARIABLES_BYTES} bytes")
    return None


def eval_assign(self: Any, env: Environment) -> None:
    """moto's AssignDecl._eval_body, with the limits checked between evaluating and assigning."""
    declarations: dict[str, Any] = {}
    for declaration_binding in self.declaration_bindings:
        declaration_binding.eval(env=env)
        declarations.update(env.stack.pop())
    store = env.variable_store
    problem = limit_exceeded(declarations, {**store._outer_scope, **store._inner_scope})
    if problem is not None:
        raise FailureEventException(failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=StatesErrorNameType.StatesRuntime),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(taskFailedEventDetails=TaskFailedEventDetails(  # type: ignore[typeddict-item]
                error=StatesErrorNameType.StatesRuntime.to_name(), cause=problem)),
        ))
    remember_variables_at_entry(env)
    for identifier, value in declarations.items():
        store.set(variable_identifier=identifier, variable_value=value)


_AT_ENTRY = "_emulator_variables_at_entry"


def _state_entry(env: Environment) -> Any:
    """The context object's State record: a new one each time a state is entered."""
    return env.states.context_object.context_object_data.get("State")


def remember_variables_at_entry(env: Environment) -> None:
    """AWS evaluates a state's Output with the variables as they were before its Assign (the two are evaluated
    "in parallel"); moto assigns first, so the values from before are kept for this state's Output."""
    store = env.variable_store
    setattr(env, _AT_ENTRY, (_state_entry(env), {**store._outer_scope, **store._inner_scope}))


def variables_at_entry(env: Environment) -> dict[str, Any] | None:
    """The variables before this state's Assign, if it has assigned any."""
    remembered = getattr(env, _AT_ENTRY, None)
    if remembered is None or remembered[0] is not _state_entry(env):
        return None
    variables: dict[str, Any] = remembered[1]
    return variables
