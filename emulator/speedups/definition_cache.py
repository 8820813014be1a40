"""Each state machine definition parsed once, not at the start of every execution (speed-up sfn-definition-cache).

moto's interpreter parses the whole definition with ANTLR (pure Python) at the start of every execution: the
largest share of the emulator's CPU in a saga. The parse is a pure function of the definition text, so its result
(the evaluation program and its parse tree) is kept per text and shared by every execution of it.

Sharing is safe because moto's components keep per-execution state (retry attempts, backoff multipliers) in the
execution's own ``env.heap`` under the component's ``heap_key``, never on themselves. That key is drawn lazily,
which two executions could race on, so every component's key is drawn once, before the program is shared.
A definition that fails to parse is not kept: it fails on every execution, as before.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, patch

# A handful of definitions per stack; the bound only caps a long-running emulator's memory.
MAX_DEFINITIONS = 256


def draw_heap_keys(program: Any) -> None:
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


def _install() -> None:
    def parse_once(original: Any) -> staticmethod[[str], tuple[Any, Any]]:
        @functools.lru_cache(maxsize=MAX_DEFINITIONS)
        def parse(definition: str) -> tuple[Any, Any]:
            program, tree = original(definition)
            draw_heap_keys(program)
            return program, tree

        return staticmethod(parse)

    patch(AmazonStateLanguageParser, "parse", parse_once)


EXTENSION = MotoExtension(
    name="sfn-definition-cache",
    kind=Kind.SPEED_UP,
    purpose="each definition is parsed once and its program shared, not parsed again by every execution",
    module=__name__,
    seams=(
        Signature(AmazonStateLanguageParser, "parse", ("definition",)),
        Holds("EvalComponent.heap_key is a property drawn once per component",
              lambda: isinstance(vars(EvalComponent).get("heap_key"), property)),
        SourceLine(EvalComponent, "heap_key", "self.__heap_key = long_uid()"),
    ),
    install=_install,
)
