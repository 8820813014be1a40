"""The emulator's HTTP server: moto's WSGI app and request handler, with HTTP/1.1 keep-alive connections.

moto's ThreadedMotoServer runs werkzeug's development server, which answers every request with
``Connection: close`` (http.server cannot tell where a request body ends, so werkzeug never reuses a
connection) and then waits on the socket for the client to hang up. Every AWS call a handler, the Step
Functions interpreter or a benchmark made was a new TCP connection, a new server thread and a closed socket
on both sides: ~1.1 ms of the emulator's CPU for a GetItem that moto answers in ~0.1 ms.

``KeepAliveRequestHandler`` is moto's MotoRequestHandler (its environ, its header handling) with werkzeug's
``run_wsgi`` replaced by one that knows where each request ends: the body is exactly Content-Length bytes
(what the app leaves unread is read and dropped before the next request), or chunked (read to its last
chunk). Responses carry a Content-Length, or are sent chunked. The connection is closed when the client
asks (``Connection: close``, HTTP/1.0), when a request's framing is unusable, or when the app fails. One
thread per open connection, as before; clients' connection pools keep a few open. Stopping the server closes
the connections still open, so that no client goes on talking to a stopped emulator.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server import werkzeug_app
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.exceptions import InternalServerError
from werkzeug.serving import ThreadedWSGIServer
from werkzeug.wsgi import LimitedStream

from emulator.moto_seams import Kind, MotoExtension, Signature
from emulator.ports import PortInUseError

_log = logging.getLogger(__name__)
_DROPPED = (ConnectionError, TimeoutError)
_NO_BODY_STATUSES = frozenset({204, 304})


class KeepAliveRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in one write; no segment waits for the client's delayed ACK either way.
    disable_nagle_algorithm = True
    server: _KeepAliveServer

    def setup(self) -> None:
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        self.server.closed(self.connection)
        super().finish()

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").strip().lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        body = _request_body(environ)
        if body is None:
            self.close_connection = True
            self.send_error(400, "Content-Length is not a number of bytes")
            return
        response = _Response(self)
        try:
            response.send(self.server.app(environ, response.start))
            body.exhaust()  # what the app did not read: the next request starts after it
        except _DROPPED:
            self.close_connection = True
        except Exception:
            self.close_connection = True
            _log.exception("Error on request %s %s", self.command, self.path)
            if not response.started:
                response.send(InternalServerError()(environ, response.start))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # werkzeug formats an access line for every request; the emulator silences its logger below WARNING.
        if logging.getLogger("werkzeug").isEnabledFor(logging.INFO):
            super().log_request(code, size)


def _request_body(environ: dict[str, Any]) -> Any:
    """The request's body as a stream that ends where the request does, set as wsgi.input; None if unusable."""
    if environ.get("wsgi.input_terminated"):
        return _Drain(environ["wsgi.input"])  # chunked: werkzeug's DechunkedInput ends at the last chunk
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0:
        return None
    stream = LimitedStream(environ["wsgi.input"], length)
    environ["wsgi.input"] = stream
    environ["wsgi.input_terminated"] = True  # werkzeug's Request reads the stream as given, to its end
    return stream


class _Drain:
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def exhaust(self) -> None:
        while self._stream.read(65536):
            pass


class _Response:
    """start_response and the writing of one response: Content-Length when the app gives one, else chunked."""

    def __init__(self, handler: KeepAliveRequestHandler) -> None:
        self._handler = handler
        self._status = ""
        self._headers: list[tuple[str, str]] = []
        self._chunked = False
        self.started = False

    def start(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self._status, self._headers = status, headers
        return self._write_unsupported

    def send(self, app_iter: Iterable[bytes]) -> None:
        try:
            chunks = iter(app_iter)
            first = next((data for data in chunks if data), b"")
            self._write(self._head() + self._framed(first))  # headers and a one-piece body: one write
            for data in chunks:
                if data:
                    self._write(self._framed(data))
            if self._chunked:
                self._write(b"0\r\n\r\n")
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()

    def _head(self) -> bytes:
        handler = self._handler
        code = int(self._status.split(None, 1)[0])
        names = {name.lower() for name, _ in self._headers}
        bodiless = handler.command == "HEAD" or code < 200 or code in _NO_BODY_STATUSES
        self._chunked = not bodiless and "content-length" not in names
        if self._chunked and handler.request_version < "HTTP/1.1":
            handler.close_connection = True  # an HTTP/1.0 client reads the body to the end of the connection
            self._chunked = False
        handler.log_request(code)
        lines = [f"{handler.protocol_version} {self._status}"]
        if "server" not in names:
            lines.append(f"Server: {handler.version_string()}")
        if "date" not in names:
            lines.append(f"Date: {handler.date_time_string()}")
        lines.extend(f"{name}: {value}" for name, value in self._headers)
        if self._chunked:
            lines.append("Transfer-Encoding: chunked")
        if handler.close_connection:
            lines.append("Connection: close")
        self.started = True
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _framed(self, data: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(data), data) if self._chunked and data else data

    def _write(self, data: bytes) -> None:
        self._handler.wfile.write(data)

    def _write_unsupported(self, data: bytes) -> None:
        raise RuntimeError("WSGI write() is not supported: the emulator's apps return their body")


class _KeepAliveServer(ThreadedWSGIServer):
    """werkzeug's threaded server, knowing its open connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def opened(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Ends every open connection: a handler waiting for its next request reads the end and returns."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # closed meanwhile
                connection.shutdown(socket.SHUT_RDWR)


class EmulatorHttpServer:
    """moto's server app (or ``app``) on ``host:port``, served by KeepAliveRequestHandler in a background
    thread."""

    def __init__(self, host: str, port: int, app: Any = None) -> None:
        app = app if app is not None else DomainDispatcherApplication(create_backend_app)
        try:
            self._server = _KeepAliveServer(host, port, app, KeepAliveRequestHandler)
        except SystemExit:  # werkzeug prints why the bind failed and exits; taken between check and bind
            raise PortInUseError(host, port) from None
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator-http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def start(self) -> EmulatorHttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join()


EXTENSION = MotoExtension(
    name="http-server",
    kind=Kind.FIDELITY,
    purpose="moto's app and request handling, served with HTTP/1.1 keep-alive (werkzeug's server closes each)",
    module=__name__,
    seams=(
        Signature(DomainDispatcherApplication, "__init__", ("self", "create_app")),
        Signature(werkzeug_app, "create_backend_app", ("service",)),
        Signature(MotoRequestHandler, "make_environ", ("self",)),
    ),
    install=None,
)
