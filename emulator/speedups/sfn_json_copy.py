"""A deep copy for the interpreter's JSON values, several times faster than ``copy.deepcopy``.

moto's Step Functions interpreter deep-copies the state's data at every step, for safety: each read of the
input (``States.get_input``, several per state), each reset, each history event's details, each frame's
stack. Under Express load that was a quarter of the emulator's CPU (yappi, CPU clock): ``copy.deepcopy`` is
general — a memo of every object, a dispatch per value, ``__deepcopy__`` lookups — while these values are
JSON (dicts with string keys, lists, strings, numbers, booleans, None), for which a copy is a plain
recursion.

``json_deepcopy`` copies exactly those types itself and hands anything else (moto's ProgramState objects,
datetimes, a dict subclass) to ``copy.deepcopy``, with the memo. For JSON the results are equal and
independent of the original, as before; what differs is only aliasing inside the copy: a sub-object
referenced twice is copied twice instead of once. JSON has no identity, and the interpreter only ever
builds its data from parsed JSON and JSONPath results, so nothing can observe the difference.

``JsonCopyModule`` stands in for the ``copy`` module in the interpreter modules that deep-copy state data
(moto_extensions, sfn-json-copy): ``deepcopy`` is ours, every other name is the real module's.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

_SCALARS = frozenset({str, int, float, bool, type(None)})


def json_deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {key: json_deepcopy(item, memo) for key, item in value.items()}
    if kind is list:
        return [json_deepcopy(item, memo) for item in value]
    return copy.deepcopy(value, memo)


class JsonCopyModule(ModuleType):
    """The ``copy`` module with ``deepcopy`` replaced by json_deepcopy."""

    def __init__(self) -> None:
        super().__init__("copy", copy.__doc__)
        self.deepcopy = json_deepcopy

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


json_copy_module = JsonCopyModule()
