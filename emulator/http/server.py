"""The emulator's HTTP server: moto's WSGI app served by cheroot, a production WSGI server.

moto's ThreadedMotoServer runs werkzeug's development server, which answers every request with
``Connection: close``: every AWS call a handler, the Step Functions interpreter or a benchmark made was a new TCP
connection and a new server thread. cheroot (CherryPy's server) keeps HTTP/1.1 connections open, frames bodies
by Content-Length or chunks both ways, and parks idle connections in its selector instead of on a thread.

What moto's own request handler adds to werkzeug's environ is added here too (``_MotoGateway``): the raw URI
moto matches S3 keys against, and the original spelling of the only header names it keeps with underscores.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from cheroot import wsgi
from cheroot.server import HTTPServer
from cheroot.workers import threadpool
from cheroot.workers.threadpool import ThreadPool, WorkerThread
from moto.core import request as moto_request
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    Request,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.moto_server import werkzeug_app
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.exceptions import InternalServerError

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine
from emulator.ports import PortInUseError

_log = logging.getLogger(__name__)
_CLOSE_CONNECTION = "emulator.close_connection"  # environ: ends the connection after this response
_INITIAL_THREADS = 16  # more start when needed (_GrowingThreadPool)
_IDLE_CONNECTION_SECONDS = 60  # botocore reconnects by itself when a pooled connection was closed

_SHUTDOWN_REQUEST = threadpool._SHUTDOWNREQUEST  # type: ignore[attr-defined]  # what ends a cheroot worker
StartResponse = Callable[..., Any]


class _MotoGateway(wsgi.Gateway_10):
    """cheroot's WSGI environ with what moto's MotoRequestHandler adds to werkzeug's."""

    def get_environ(self) -> dict[str, Any]:  # type: ignore[override]  # cheroot's stub says None
        environ: dict[str, Any] = super().get_environ()
        environ["RAW_URI"] = environ["REQUEST_URI"]  # werkzeug's name for it; moto's raw_path reads it
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in self.req.inheaders.items()]
        dashed = {environ_key_for_header(name): value for name, value in headers if "_" not in name}
        preserved: dict[str, str] = {}
        for name in (name for name, _ in headers if "_" in name):
            # As werkzeug's server and moto's handler: a name with an underscore is dropped (it could pass for
            # the dashed one), except S3 metadata's, which keeps its spelling; a dashed header always wins.
            key = environ_key_for_header(name)
            if key in dashed:
                environ[key] = dashed[key]
            elif should_preserve_original_header_name(name):
                preserved.setdefault(key, name)
            else:
                environ.pop(key, None)
        environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = preserved
        environ[_CLOSE_CONNECTION] = self._close_connection
        return environ

    def _close_connection(self) -> None:
        self.req.close_connection = True

    def write(self, chunk: bytes) -> None:
        # A response to HEAD, a 1xx, 204 or 304 has no content (RFC 9110), whatever the app returns: sent, it would
        # be read as the start of the next response on a kept-alive connection. werkzeug's server drops it too;
        # cheroot does not. (Before start_response, cheroot's own write raises the app's error.)
        if self.started_response and self._has_no_content():
            self.req.ensure_headers_sent()
            return
        super().write(chunk)

    def _has_no_content(self) -> bool:
        status = self.req.status[:3]
        return self.req.method == b"HEAD" or status.startswith(b"1") or status in (b"204", b"304")


class _GrowingThreadPool(ThreadPool):
    """cheroot's pool, grown by a thread whenever a connection would wait for one, and stopped without waiting.

    A request the emulator blocks on (Invoke, StartSyncExecution) holds its thread until a Lambda or an execution
    has ended, and that Lambda's own AWS calls need threads of this pool too: a pool of fixed size could wait on
    itself, and cheroot's stop would wait for every such request to be answered.
    """

    def put(self, obj: Any) -> None:
        # Only the server's selector thread puts. The idle count is read without a lock: an estimate, enough to
        # start a thread for a connection that would otherwise wait behind busy ones.
        pool: Any = self  # the attributes below are cheroot's own, not in its type stubs
        if pool._queue.qsize() >= self.idle:
            pool._threads.append(self._spawn_worker())
        super().put(obj)

    def stop(self, timeout: float | None = None) -> None:
        """Idle workers end; a worker in a request has its client's connection ended at once (the thread, a
        daemon, ends with the process)."""
        pool: Any = self
        for worker in pool._clear_threads():
            pool._queue.put(_SHUTDOWN_REQUEST)
            connection = worker.conn
            if connection is not None:
                with contextlib.suppress(OSError):  # closed meanwhile
                    connection.socket.shutdown(socket.SHUT_RDWR)

    def _spawn_worker(self) -> WorkerThread:
        # A daemon, as werkzeug's server threads were: no worker keeps a process alive after its emulator.
        worker = WorkerThread(self.server)
        worker.daemon = True
        worker.name = f"emulator-http {worker.name}"
        worker.start()
        return worker


class _AnswerFailures:
    """The app's failures answered 500 (werkzeug's page, as its server did), logged, and the connection closed:
    cheroot would answer them too, but without ``Connection: close``."""

    def __init__(self, app: Any) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._app(environ, start_response)
        except Exception:
            _log.exception("Error on request %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            environ[_CLOSE_CONNECTION]()
            return InternalServerError()(environ, start_response)


class _Server(wsgi.Server):
    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        _log.log(level, "%s", msg, exc_info=traceback)


class EmulatorHttpServer:
    """moto's server app (or ``app``) on ``host:port``, served by cheroot in a background thread."""

    def __init__(self, host: str, port: int, app: Any = None) -> None:
        app = app if app is not None else DomainDispatcherApplication(create_backend_app)
        server = _Server((host, port), _AnswerFailures(app), request_queue_size=128, timeout=_IDLE_CONNECTION_SECONDS)
        server.gateway = _MotoGateway
        server.keep_alive_conn_limit = None  # type: ignore[assignment]  # unlimited; cheroot's default is 10
        server.requests = _GrowingThreadPool(server, min=_INITIAL_THREADS, max=-1)
        try:
            server.prepare()
        except OSError:
            raise PortInUseError(host, port) from None
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="emulator-http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.bind_addr[1])

    def start(self) -> EmulatorHttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and ends every open connection: no client goes on talking to a stopped emulator."""
        self._server.stop()
        self._thread.join()


EXTENSION = MotoExtension(
    name="http-server",
    kind=Kind.FIDELITY,
    purpose="moto's app served by cheroot with HTTP/1.1 keep-alive (werkzeug's server closes each connection)",
    module=__name__,
    seams=(
        Signature(DomainDispatcherApplication, "__init__", ("self", "create_app")),
        Signature(werkzeug_app, "create_backend_app", ("service",)),
        # _MotoGateway does what MotoRequestHandler.make_environ does, with moto's helpers.
        SourceLine(MotoRequestHandler, "make_environ", "if not should_preserve_original_header_name(name):"),
        SourceLine(MotoRequestHandler, "make_environ", "environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names"),
        Signature(moto_request, "environ_key_for_header", ("header_name",)),
        Signature(moto_request, "should_preserve_original_header_name", ("header_name",)),
        Holds("moto's Request reads the raw URI from environ['RAW_URI']",
              lambda: 'self.environ.get("RAW_URI"' in inspect.getsource(Request)),
        # cheroot's, which _GrowingThreadPool and _MotoGateway build on.
        Signature(ThreadPool, "_spawn_worker", ("self",)),
        SourceLine(ThreadPool, "grow", "self._spawn_worker()"),
        SourceLine(HTTPServer, "stop", "self.requests.stop(self.shutdown_timeout)"),
        Holds("a cheroot worker stops on the _SHUTDOWNREQUEST it gets from the pool's queue",
              lambda: "if conn is _SHUTDOWNREQUEST:" in inspect.getsource(WorkerThread)),
        Signature(WorkerThread, "__init__", ("self", "server")),
        Holds("cheroot's ThreadPool counts its idle workers and queues connections in _queue",
              lambda: isinstance(ThreadPool.idle, property) and "self._queue.put(" in inspect.getsource(ThreadPool)),
        Signature(wsgi.Gateway_10, "get_environ", ("self",)),
        Signature(wsgi.Gateway, "write", ("self", "chunk")),
        SourceLine(wsgi.Gateway, "write", "if not self.started_response:"),
        SourceLine(wsgi.Gateway, "respond", "self.write(chunk)"),
    ),
    install=None,
)
