"""One JSONata expression evaluated the way Step Functions does: jsonatapy (the engine chosen by measurement,
bench/jsonata_engines.py), with $states and the workflow variables as bindings and AWS's function additions.

Values are passed as bindings, never written into the expression text, so no value can change what an
expression means (moto's own composition spliced strings into the source unescaped). A jsonatapy expression may
only be used by the thread that compiled it, and moto runs each execution (and each Parallel branch and Map
iteration) on a thread of its own: a cache per calling thread compiled every expression again for every execution
(a third more of the emulator's CPU per saga). So expressions are compiled and evaluated on one long-lived thread
of their own, each compiled once; the interpreter lock serialized that work anyway.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import jsonatapy

from emulator.stepfunctions.jsonata import aws_functions

_HOST_ERROR = re.compile(r"^host function raised \w+: ")
_PARSE_ERROR_PREFIX = "Parse error: "


class JsonataError(Exception):
    """The expression did not parse or threw while evaluated; ``message`` is the engine's (code first)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Outcome:
    """``defined`` False: the expression returned nothing (JSONata's undefined), which JSON cannot hold."""

    defined: bool
    value: Any = None


_CACHE_SIZE = 1024
# Compiled expressions belong to the engine's thread, also at exit: held in its thread-local storage, they are
# dropped by that thread when it ends (from a module global, the main thread dropped them at interpreter exit, and
# jsonatapy printed a RuntimeError for each).
_engine_thread_data = threading.local()
_engine_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jsonata-engine")
_Result = TypeVar("_Result")


def _on_engine_thread(work: Callable[..., _Result], *args: Any) -> _Result:
    # Nothing evaluated there calls back into the engine (AWS's added functions are plain Python): no deadlock.
    return _engine_thread.submit(work, *args).result()


def _compiled(expression: str) -> Any:
    compiled_expressions: dict[str, Any] = _engine_thread_data.__dict__.setdefault("compiled", {})
    compiled = compiled_expressions.get(expression)
    if compiled is None:
        if len(compiled_expressions) >= _CACHE_SIZE:
            compiled_expressions.clear()
        compiled = compiled_expressions[expression] = _compile(expression)
    return compiled


def compile_expression(expression: str) -> None:
    """Raises JsonataError if the expression does not parse (it is compiled, and kept, on the engine's thread)."""
    _on_engine_thread(_compiled, expression)


def _compile(expression: str) -> Any:
    try:
        compiled = jsonatapy.compile(expression)
    except ValueError as error:
        raise JsonataError(_message(error)) from None
    for name, function in aws_functions.ADDED.items():
        compiled.register(name, function)
    for name, function in aws_functions.OVERRIDDEN.items():
        compiled.register_override(name, function)
    return compiled


def _message(error: Exception) -> str:
    message = str(error)
    message = message.removeprefix(_PARSE_ERROR_PREFIX)
    return _HOST_ERROR.sub("", message)


def evaluate(expression: str, bindings: dict[str, Any]) -> Outcome:
    return _on_engine_thread(_evaluate_here, expression, bindings)


def _evaluate_here(expression: str, bindings: dict[str, Any]) -> Outcome:
    compiled = _compiled(expression)
    try:
        try:
            result = compiled.evaluate_json_or_none(None, bindings)
        except OverflowError:
            # jsonatapy takes integers of 64 bits at most; JSONata's numbers are doubles (JavaScript's), as on AWS.
            result = compiled.evaluate_json_or_none(None, as_doubles(bindings))
    except ValueError as error:
        raise JsonataError(_message(error)) from None
    except TypeError as error:  # a binding that is not JSON: cannot come from a state machine
        raise JsonataError(str(error)) from None
    if result is None:
        return Outcome(defined=False)
    return Outcome(defined=True, value=json.loads(result))


_INT64 = range(-(2**63), 2**63)


def as_doubles(value: Any) -> Any:
    """`value` with every integer beyond 64 bits as the double JavaScript reads it (1e+30 for 10**30)."""
    if isinstance(value, dict):
        return {key: as_doubles(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_doubles(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
        return float(value)
    return value
