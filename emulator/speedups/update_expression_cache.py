"""Each DynamoDB update expression parsed once per text, not two or three times per write (speed-up
dynamodb-update-parsed-once).

moto parses an UpdateItem's UpdateExpression in its request handler (to check that the attribute names and values
given are used) and again in its backend (to evaluate it), and TransactWriteItems parses each Update in both places
too, with a tokenizer and recursive-descent parser in pure Python. ``UpdateExpressionParser.make(text)`` is a pure
function of the text, and its tree is only read afterwards: the request handler collects names and values from it,
and the backend's validator deep-copies it before resolving, evaluating and executing (a seam below). So trees are
kept per text and shared. Update expressions name their values (``:now``), so the texts are few and fixed. An
invalid expression is not kept: it fails on every parse, as before.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.validators import Validator

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

MAX_EXPRESSIONS = 512


def _install() -> None:
    def parse_once(bound_make: Any) -> Any:
        make = bound_make.__func__
        parse = functools.lru_cache(maxsize=MAX_EXPRESSIONS)(make)

        def make_once(cls: type[Any], expression_str: str) -> Any:
            if cls is not UpdateExpressionParser or type(expression_str) is not str:
                return make(cls, expression_str)  # a subclass parses its own grammar
            return parse(cls, expression_str)

        return classmethod(make_once)

    patch(UpdateExpressionParser, "make", parse_once)


EXTENSION = MotoExtension(
    name="dynamodb-update-parsed-once",
    kind=Kind.SPEED_UP,
    purpose="each UpdateExpression text is parsed once and its tree shared, not parsed again by every write",
    module=__name__,
    seams=(
        Signature(UpdateExpressionParser, "make", ("expression_str",)),
        # Sharing a tree is safe only while the validator works on its own copy.
        SourceLine(Validator, "__init__", "self.node_to_validate = deepcopy(expression)"),
    ),
    install=_install,
)
