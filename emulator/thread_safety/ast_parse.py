"""Python syntax trees built one at a time in the emulator, with the collector paused (extension ast-parse-lock).

CPython before 3.13 keeps the depth counter of its AST constructor in state shared by every thread, and resets it
at the start of each tree. A second tree built while one is under construction corrupts it: `ast.parse` then
raises "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905 fixed only part of it).
The second tree comes from another thread, or from this one: a garbage collection mid-construction runs
finalizers, and one that parses (a logged traceback does, for its caret anchors) resets the counter; finalizers
are also where another thread can take over. Hence a lock for threads and the collector paused for the one
holding it. In the emulator two builders meet: werkzeug compiles each URL rule through `ast.parse` when moto
creates a service's app on its first request, and moto's ASL parser unescapes every string literal of a
definition with `ast.literal_eval`, which swallows the error and keeps the literal as written. During a deploy
both run side by side; a test run's deploy failed with that 500. Trees are built rarely once the emulator is
warm, so this costs nothing a developer feels.
"""

from __future__ import annotations

import ast
import gc
import threading
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.asl.antlt4utils import antlr4utils
from werkzeug.routing import rules

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

LOCK = threading.RLock()  # re-entrant: a finalizer that parses may run in the holder outside its tree (a refcount drop)


def _parse_alone(parse: Callable[..., Any]) -> Callable[..., Any]:
    def parse_alone(*args: Any, **kwargs: Any) -> Any:
        with LOCK:
            collecting = gc.isenabled()  # read under the lock: no other parse is pausing the collector
            gc.disable()
            try:
                return parse(*args, **kwargs)
            finally:
                if collecting:
                    gc.enable()

    return parse_alone


EXTENSION = MotoExtension(
    name="ast-parse-lock",
    kind=Kind.FIDELITY,
    purpose="syntax trees are built one at a time, with no collection mid-tree: no SystemError 500s",
    module=__name__,
    seams=(
        Signature(ast, "parse", ("source", "filename", "mode", "type_comments", "feature_version")),
        # The two builders in the emulator, both reaching `parse` through the ast module (literal_eval does too).
        SourceLine(rules, "_prefix_names", "ast.parse(src)"),
        SourceLine(antlr4utils, "from_string_literal", "ast.literal_eval("),
    ),
    install=lambda: patch(ast, "parse", _parse_alone),
)
