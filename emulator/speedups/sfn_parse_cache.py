"""Parse each state machine definition and each JSONPath once, not on every execution and every state.

moto's interpreter parses the whole definition with ANTLR at the start of every execution (a third of the
emulator's CPU at saga rates), and builds a new JSONPath parser (PLY tables included) for every path it
evaluates. Both are pure functions of their input text, so they are cached here:

- definitions: the evaluation program (and its ANTLR parse tree) is cached per definition text and shared by
  every execution of it. moto's components are built to be shared: they keep per-execution state (retry
  attempt counters, backoff multipliers) in the execution's own ``env.heap`` under the component's
  ``heap_key``, never on themselves. That key is assigned lazily, which two executions could race on (each
  drawing its own), so every component's key is drawn once, here, before the program is shared.
- JSONPath expressions: the parsed path objects are immutable (``find``/``update_or_create`` change the
  data, never the path), so one object per path text serves every evaluation.

Parse errors are not cached: an invalid definition fails on every call, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

from emulator.speedups.locked_lru import LockedLru

# Definitions in use at once: a handful per stack; the bound only guards against unbounded growth
# when a long-running emulator sees many UpdateStateMachine calls.
_MAX_DEFINITIONS = 256
_MAX_JSON_PATHS = 4096

ParseResult = tuple[Any, Any]  # (evaluation program, ANTLR parse tree)


class DefinitionCache:
    def __init__(self, max_entries: int = _MAX_DEFINITIONS) -> None:
        self._parsed: LockedLru[ParseResult] = LockedLru(max_entries)

    def parse(self, original: Callable[[str], ParseResult], definition: str) -> ParseResult:
        """Replacement for ``AmazonStateLanguageParser.parse(definition)``."""
        parsed = self._parsed.get(definition)
        if parsed is not None:
            return parsed
        parsed = original(definition)
        fix_heap_keys(parsed[0])
        return self._parsed.keep(definition, parsed)


definitions = DefinitionCache()


def fix_heap_keys(program: Any) -> None:
    """Draws the heap key of every component reachable from ``program`` (attributes, lists, dicts)."""
    seen: set[int] = set()
    pending = [program]
    while pending:
        value = pending.pop()
        if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None)):
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            pending.extend(value)
        elif isinstance(value, EvalComponent):
            _ = value.heap_key
            pending.extend(vars(value).values())


def cached_json_path_parser(original: Callable[[str], Any]) -> Callable[[str], Any]:
    """Wraps jsonpath_ng's ``parse(path)`` (as imported by moto's interpreter modules)."""
    return functools.lru_cache(maxsize=_MAX_JSON_PATHS)(original)
