"""moto's per-request listing of a response class's action methods, done once per class (speed-up
moto-method-names).

``BaseResponse.call_action`` decides whether a class implements the requested action by listing the class's
functions with ``inspect.getmembers``, on every request to every service. The answer changes only when a class is
patched, which the emulator does once, in ``moto_extensions.install()``, before its server takes requests; so it
is kept per class from the first request on, as a frozenset: call_action only asks ``action in method_names``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

from moto.core import responses

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch


def _once_per_class(original: Callable[[object], list[str]]) -> Callable[[object], Collection[str]]:
    @functools.cache
    def method_names_from_class(clazz: object) -> frozenset[str]:
        return frozenset(original(clazz))

    return method_names_from_class


def _install() -> None:
    patch(responses, "method_names_from_class", _once_per_class)


EXTENSION = MotoExtension(
    name="moto-method-names",
    kind=Kind.SPEED_UP,
    purpose="each response class's action methods are listed once, not with inspect.getmembers on every request",
    module=__name__,
    seams=(
        Signature(responses, "method_names_from_class", ("clazz",)),
        SourceLine(responses.BaseResponse, "call_action", "method_names = method_names_from_class(self.__class__)"),
        SourceLine(responses.BaseResponse, "call_action", "if action in method_names:"),
    ),
    install=_install,
)
