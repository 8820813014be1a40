"""How an extension of moto declares itself: its name, its kind, the moto seams it relies on, its install function.

Every module that changes moto's behaviour (or the standard library's, inside the emulator) ends with a
declaration, ``EXTENSION = MotoExtension(...)``, and changes nothing when imported: only ``install`` patches, and
only the registry (emulator.moto_extensions) calls it. A seam is what the extension takes for granted about moto
(a signature, an attribute a constructor sets, a line of source it mirrors): ``problems()`` says what no longer
holds, so a moto upgrade fails in the compatibility check, naming the extension, not deep inside a test.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

_ORIGINAL = "__emulator_original__"


class Kind(StrEnum):
    FIDELITY = "fidelity"  # AWS behaviour moto lacks or gets wrong
    SPEED_UP = "speed-up"  # the same behaviour, cheaper; can be left out (emulator.speedups)


class Seam(Protocol):
    def problems(self) -> list[str]: ...

    def describe(self) -> str: ...


def _label(owner: Any, name: str) -> str:
    return f"{getattr(owner, '__qualname__', getattr(owner, '__name__', owner))}.{name}"


def original(function: Any) -> Any:
    """What ``patch`` replaced, for a function it installed; the function itself otherwise (a property's getter)."""
    function = getattr(function, _ORIGINAL, function)
    return function.fget if isinstance(function, property) else function


def patch(owner: Any, name: str, make_replacement: Callable[[Any], Any]) -> None:
    """Replaces ``owner.name`` with ``make_replacement(current)``, remembering the current one for the seams."""
    current = getattr(owner, name)
    replacement = make_replacement(current)
    target = replacement.__func__ if isinstance(replacement, staticmethod | classmethod) else replacement
    setattr(target, _ORIGINAL, original(current))
    setattr(owner, name, replacement)


def around(owner: Any, name: str, implementation: Callable[..., Any]) -> None:
    """Replaces the method ``owner.name`` with one calling ``implementation(original, self, *args, **kwargs)``."""

    def wrap(original_method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original_method)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return implementation(original_method, self, *args, **kwargs)

        return method

    patch(owner, name, wrap)


@dataclass(frozen=True)
class Signature:
    """``owner.name`` exists and takes exactly these parameters."""

    owner: Any
    name: str
    parameters: tuple[str, ...]

    def problems(self) -> list[str]:
        function = original(getattr(self.owner, self.name, None))
        if function is None:
            return [f"{_label(self.owner, self.name)} is missing"]
        actual = tuple(inspect.signature(function).parameters)
        if actual != self.parameters:
            return [f"{_label(self.owner, self.name)} takes {list(actual)}, expected {list(self.parameters)}"]
        return []

    def describe(self) -> str:
        return f"{_label(self.owner, self.name)}({', '.join(self.parameters)})"


@dataclass(frozen=True)
class SetsAttributes:
    """``owner.method`` assigns each of these attributes on self (read directly by the extension)."""

    owner: Any
    method: str
    attributes: tuple[str, ...]

    def problems(self) -> list[str]:
        function = getattr(self.owner, self.method, None)
        if function is None:
            return [f"{_label(self.owner, self.method)} is missing"]
        source = inspect.getsource(original(function))
        return [
            f"{_label(self.owner, self.method)} no longer sets self.{attribute}"
            for attribute in self.attributes
            if not re.search(rf"self\.{attribute}\s*(:[^=\n]+)?=[^=]|self\.{attribute},", source)
        ]

    def describe(self) -> str:
        return f"{_label(self.owner, self.method)} sets " + ", ".join(f"self.{a}" for a in self.attributes)


@dataclass(frozen=True)
class SourceLine:
    """``owner.method`` still contains this line: the extension mirrors or depends on what it does."""

    owner: Any
    method: str
    line: str

    def problems(self) -> list[str]:
        function = getattr(self.owner, self.method, None)
        if function is None:
            return [f"{_label(self.owner, self.method)} is missing"]
        if self.line not in inspect.getsource(original(function)):
            return [f"{_label(self.owner, self.method)} no longer contains `{self.line}`"]
        return []

    def describe(self) -> str:
        return f"{_label(self.owner, self.method)} contains `{self.line}`"


@dataclass(frozen=True)
class Holds:
    """A fact about moto that is not a signature or a source line (a base class, a module attribute's type)."""

    fact: str
    check: Callable[[], bool]

    def problems(self) -> list[str]:
        return [] if self.check() else [f"no longer true: {self.fact}"]

    def describe(self) -> str:
        return self.fact


@dataclass(frozen=True)
class MotoExtension:
    """``install`` None: the module uses moto's internals (the seams) without patching anything."""

    name: str
    kind: Kind
    purpose: str  # one line: the AWS behaviour it adds, or what it saves
    module: str  # the declaring module's __name__
    seams: tuple[Seam, ...]
    install: Callable[[], None] | None

    def problems(self) -> list[str]:
        return [problem for seam in self.seams for problem in seam.problems()]
