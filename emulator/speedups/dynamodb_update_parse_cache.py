"""Each DynamoDB update expression parsed once per text, not two or three times per write.

moto parses an UpdateItem's UpdateExpression in its request handler (to check that the attribute names and
values given are used) and again in its backend (to evaluate it), and TransactWriteItems parses each Update
in both places too: 0.15-0.4 ms per parse for the handlers' expressions (moto's tokenizer and recursive-descent
parser are pure Python). ``UpdateExpressionParser.make(text)`` is a pure function of the text, and its tree
is only read afterwards: the request handler collects names and values from it (``find_clauses``), and the
backend's ``UpdateExpressionValidator`` deep-copies it before resolving values, evaluating and executing on
the copy. So trees are kept per text in a small LRU and shared.

Unlike conditions, update expressions name their values (``:now``), so the texts are few and fixed: every
write after the first hits. Errors are not cached: an invalid expression fails on every parse, as before.
The copy this relies on is checked by ``check_moto_compatibility`` (a line of Validator.__init__).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.speedups.locked_lru import LockedLru

_MAX_ENTRIES = 512


class ParsedUpdateExpressions:
    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        self._parsed: LockedLru[Any] = LockedLru(max_entries)

    def make(self, original: Callable[[str], Any], expression: str) -> Any:
        """``UpdateExpressionParser.make(expression)``, the shared tree when the same text was parsed."""
        if type(expression) is not str:
            return original(expression)
        tree = self._parsed.get(expression)
        if tree is None:
            tree = self._parsed.keep(expression, original(expression))
        return tree

    def __len__(self) -> int:
        return len(self._parsed)
