"""moto's per-request lookup of a response class's action methods, done once per class.

``BaseResponse.call_action`` decides whether a class implements the requested action by listing the class's
functions with ``inspect.getmembers`` on every request (~0.15 ms of CPU, a tenth of a small DynamoDB request).
The answer changes only when a class is patched, which the emulator does once, in
``moto_extensions.install()``, before its server takes requests; so it is cached per class from the first
request on. The cached answer is a frozenset: call_action only asks ``action in method_names``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection


def cached_method_names(original: Callable[[object], list[str]]) -> Callable[[object], Collection[str]]:
    """Wraps ``moto.core.utils.method_names_from_class(clazz)`` as imported by moto.core.responses."""

    @functools.cache
    def method_names_from_class(clazz: object) -> frozenset[str]:
        return frozenset(original(clazz))

    return method_names_from_class
