"""Only local clients drive the emulator: a web page cannot, neither from its own origin nor by DNS rebinding.

The emulator runs Lambda code on the host (that is its job), so whoever can send it requests can run code as the
developer. A browser would let any web page try: cross-origin requests to 127.0.0.1 are sent (only their answers
are withheld, and moto's global CORS policy even handed them over), and a page whose domain is re-pointed at
127.0.0.1 sends same-origin requests with its own name in the Host header. So every request, to the AWS APIs,
moto's /moto-api/ and the control API alike:

- must name this emulator in its Host header (127.0.0.1, localhost or [::1] with the port it listens on; any
  address only when remote clients were allowed explicitly);
- must not carry an Origin header, unless it is the emulator's own origin or one configured for CORS.

AWS SDKs and the CLI send no Origin and name the endpoint they were given, so they are not affected.
``allowed_origins`` opt in to CORS: those origins get CORS headers and their preflight requests are answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server import werkzeug_app

from emulator.moto_seams import Holds, Kind, MotoExtension, SourceLine

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
CORS_METHODS = "GET, POST, PUT, DELETE, HEAD, OPTIONS"
CORS_HEADERS = "authorization, content-type, x-amz-target, x-amz-date, x-amz-security-token, x-amz-user-agent"

StartResponse = Callable[..., Any]


def loopback_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{name}:{port}" for name in LOOPBACK_NAMES)


class LocalClientsOnly:
    """WSGI middleware in front of the emulator's whole app; ``any_host`` when remote clients were allowed."""

    def __init__(
        self, app: Any, port: int, allowed_origins: Iterable[str] = (), any_host: bool = False
    ) -> None:
        self._app = app
        self._hosts = loopback_hosts(port)
        self._own_origins = frozenset(f"http://{host}" for host in self._hosts)
        self._cors_origins = frozenset(origin.rstrip("/") for origin in allowed_origins)
        self._any_host = any_host

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        host = str(environ.get("HTTP_HOST", "")).lower()
        if not self._any_host and host not in self._hosts:
            return _refuse(start_response, f"Host {host or '(none)'!r} is not this emulator's address "
                                           f"({', '.join(sorted(self._hosts))})")
        origin = environ.get("HTTP_ORIGIN")
        if origin is None or origin in self._own_origins:
            return self._app(environ, start_response)
        if origin not in self._cors_origins:
            return _refuse(start_response, f"requests from web pages ({origin}) are refused; allow an origin "
                                           "explicitly with --cors-origin")
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            start_response("204 No Content", _cors_headers(origin))
            return [b""]
        return self._app(environ, _with_cors(start_response, origin))


def _cors_headers(origin: str) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", CORS_METHODS),
        ("Access-Control-Allow-Headers", CORS_HEADERS),
        ("Access-Control-Expose-Headers", "x-amzn-requestid, x-amz-function-error"),
        ("Vary", "Origin"),
    ]


def _with_cors(start_response: StartResponse, origin: str) -> StartResponse:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        return start_response(status, kept + _cors_headers(origin), exc_info)

    return start


def _refuse(start_response: StartResponse, reason: str) -> list[bytes]:
    body = json.dumps({"__type": "AccessDeniedException", "message": f"emulator: {reason}"}).encode()
    start_response("403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _install() -> None:
    # moto's server hands every backend app to flask_cors, which echoes any Origin, unless this is set.
    werkzeug_app.DISABLE_GLOBAL_CORS = True


EXTENSION = MotoExtension(
    name="no-global-cors",
    kind=Kind.FIDELITY,
    purpose="moto's server answers no web page with CORS headers (CORS only for origins given with --cors-origin)",
    module=__name__,
    seams=(
        Holds("moto.moto_server.werkzeug_app reads DISABLE_GLOBAL_CORS by name",
              lambda: hasattr(werkzeug_app, "DISABLE_GLOBAL_CORS")),
        SourceLine(werkzeug_app, "create_backend_app", "if not DISABLE_GLOBAL_CORS:"),
    ),
    install=_install,
)
