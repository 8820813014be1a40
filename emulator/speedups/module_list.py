"""moto's list of its service packages read once, not on every request (speed-up moto-module-list).

moto's server, routing each request to a service, asks whether the request's host names a moto module:
``backends.list_of_moto_modules()`` lists moto's package directory and stats each entry to find the folders, on
every request the emulator answers. The directory does not change while the emulator runs: it is read once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from moto import backends
from moto.moto_server import werkzeug_app

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch


def _read_once(read: Callable[[], Iterable[str]]) -> Callable[[], tuple[str, ...]]:
    modules = tuple(read())

    def list_of_moto_modules() -> tuple[str, ...]:
        return modules

    return list_of_moto_modules


def _install() -> None:
    patch(backends, "list_of_moto_modules", _read_once)


EXTENSION = MotoExtension(
    name="moto-module-list",
    kind=Kind.SPEED_UP,
    purpose="moto's list of its service packages is read once, not listed and stat-ed on every request",
    module=__name__,
    seams=(
        Signature(backends, "list_of_moto_modules", ()),
        SourceLine(werkzeug_app.DomainDispatcherApplication, "get_backend_for_host",
                   "if host in backends.list_of_moto_modules():"),
    ),
    install=_install,
)
