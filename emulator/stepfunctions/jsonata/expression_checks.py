"""What AWS refuses in a JSONata definition and statelint does not see: every ``{% %}`` expression must parse,
and none may use ``$`` or ``$$`` at its top level. Pure: used by ValidateStateMachineDefinition and by anyone
validating a definition before creating it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from emulator.stepfunctions.jsonata.engine import JsonataError, compile_expression

_NESTED_MACHINES = {"Branches", "ItemProcessor", "Iterator"}
_TOP_LEVEL_CONTEXT = re.compile(r"^\$\$?(?![A-Za-z0-9_])")


@dataclass(frozen=True)
class ExpressionProblem:
    location: str  # a JSON pointer into the definition, as AWS's diagnostics give it
    message: str


def expression_problems(definition: dict[str, Any]) -> list[ExpressionProblem]:
    return list(_machine_problems(definition, "", definition.get("QueryLanguage", "JSONPath")))


def _machine_problems(machine: dict[str, Any], pointer: str, inherited: str) -> Iterator[ExpressionProblem]:
    for name, state in (machine.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        state_pointer = f"{pointer}/States/{name}"
        language = state.get("QueryLanguage", inherited)
        for field, value in state.items():
            if field in _NESTED_MACHINES:
                for index, nested in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(nested, dict):
                        nested_pointer = f"{state_pointer}/{field}" + (f"/{index}" if isinstance(value, list) else "")
                        yield from _machine_problems(nested, nested_pointer, language)
            elif language == "JSONata":
                yield from _value_problems(value, f"{state_pointer}/{field}")


def _value_problems(value: Any, pointer: str) -> Iterator[ExpressionProblem]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _value_problems(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _value_problems(item, f"{pointer}/{index}")
    elif isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
        problem = expression_problem(value[2:-2].strip())
        if problem is not None:
            yield ExpressionProblem(pointer, problem)


def expression_problem(expression: str) -> str | None:
    if _TOP_LEVEL_CONTEXT.match(expression):
        return (f"The JSONata expression '{expression}' starts from '$' or '$$': Step Functions gives no "
                "top-level context, use $states.input")
    try:
        compile_expression(expression)
    except JsonataError as error:
        return f"The JSONata expression '{expression}' is not valid: {error.message}"
    return None
