"""Python syntax trees built one at a time in the emulator (extension ast-parse-lock).

CPython before 3.13 keeps the depth counter of its AST constructor in state shared by every thread. Two request
threads building trees at once can corrupt it: `ast.parse` then raises "SystemError: AST constructor recursion
depth mismatch" (python/cpython#106905 fixed only part of it). In the emulator two such builders meet: werkzeug
compiles each URL rule through `ast.parse` when moto creates a service's app on its first request, and moto's
ASL parser unescapes every string literal of a definition with `ast.literal_eval`, which swallows the error and
keeps the literal as written. During a deploy both run side by side; a test run's deploy failed with that 500.
Trees are built rarely once the emulator is warm, so one lock costs nothing a developer feels.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.asl.antlt4utils import antlr4utils
from werkzeug.routing import rules

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

LOCK = threading.RLock()  # re-entrant: a finalizer run by the collector mid-parse may parse too


def _parse_alone(parse: Callable[..., Any]) -> Callable[..., Any]:
    def parse_alone(*args: Any, **kwargs: Any) -> Any:
        with LOCK:
            return parse(*args, **kwargs)

    return parse_alone


EXTENSION = MotoExtension(
    name="ast-parse-lock",
    kind=Kind.FIDELITY,
    purpose="syntax trees are built one at a time: concurrent requests no longer fail with a SystemError's 500",
    module=__name__,
    seams=(
        Signature(ast, "parse", ("source", "filename", "mode", "type_comments", "feature_version")),
        # The two builders in the emulator, both reaching `parse` through the ast module (literal_eval does too).
        SourceLine(rules, "_prefix_names", "ast.parse(src)"),
        SourceLine(antlr4utils, "from_string_literal", "ast.literal_eval("),
    ),
    install=lambda: patch(ast, "parse", _parse_alone),
)
