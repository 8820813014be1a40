"""The emulator: moto's server on one port, with Step Functions execution and our Lambda runtime wired in.

In-process::

    with Emulator(port=4566) as emulator:      # or emulator.start() ... emulator.stop()
        boto3_client("lambda", emulator.endpoint_url).invoke(...)

As a process: ``python -m emulator --port N`` (see __main__). One Emulator per process: moto's backends
and the MOTO_PORT setting its Step Functions interpreter reads are process-wide.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import urllib.request
from types import TracebackType

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from emulator import moto_extensions
from emulator.http.guard import LocalClientsOnly
from emulator.http.server import EmulatorHttpServer
from emulator.lambda_runtime import moto_lambda
from emulator.lambda_runtime.runtime import DEFAULT_POOL_SIZE, LambdaRuntime
from emulator.ports import ensure_port_free, free_port
from emulator.stepfunctions import service_calls

DEFAULT_HOST = "127.0.0.1"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
DEFAULT_PORT = 4566

# Importing these backends takes seconds on first use; doing it before READY keeps the first requests fast.
_WARM_SERVICES = (
    "lambda", "stepfunctions", "logs", "dynamodb", "iam", "sqs", "sns", "events", "s3", "sts", "apigateway"
)


class EmulatorAlreadyRunningError(RuntimeError):
    pass


class Emulator:
    _running: Emulator | None = None  # moto's state is process-wide: at most one emulator per process

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        host: str = DEFAULT_HOST,
        lambda_pool_size: int = DEFAULT_POOL_SIZE,
        quiet: bool = True,
        allow_remote: bool = False,
        cors_origins: tuple[str, ...] = (),
    ) -> None:
        self.host = host
        self.port = port
        self.lambda_pool_size = lambda_pool_size
        self.quiet = quiet
        self.allow_remote = allow_remote
        self.cors_origins = cors_origins
        self._server: EmulatorHttpServer | None = None
        self._runtime: LambdaRuntime | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def local_endpoint_url(self) -> str:
        """Where processes on this machine reach the emulator (its Lambda workers among them)."""
        return f"http://127.0.0.1:{self.port}" if self.host in WILDCARD_HOSTS else self.endpoint_url

    @property
    def lambda_runtime(self) -> LambdaRuntime:
        if self._runtime is None:
            raise RuntimeError("The emulator is not running")
        return self._runtime

    def start(self) -> Emulator:
        if Emulator._running is not None:
            raise EmulatorAlreadyRunningError(
                f"An emulator already runs in this process at {Emulator._running.endpoint_url}"
            )
        check_binding(self.host, self.allow_remote)
        if self.port == 0:
            self.port = free_port(self.host)
        ensure_port_free(self.host, self.port)
        service_calls.send_service_calls_to(self.port)
        moto_extensions.install()
        if self.quiet:
            _quiet_expected_noise()
        _warm_backends()
        self._runtime = LambdaRuntime(self.local_endpoint_url, self.lambda_pool_size)
        moto_lambda.install_runtime(self._runtime)
        Emulator._running = self
        atexit.register(self.stop)
        try:
            app = LocalClientsOnly(
                DomainDispatcherApplication(create_backend_app), self.port, self.cors_origins, self.allow_remote
            )
            self._server = EmulatorHttpServer(self.host, self.port, app).start()
            self._post_moto_config({"stepfunctions": {"execute_state_machine": True}})
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops the server and kills every Lambda worker. Idempotent."""
        server, self._server = self._server, None
        runtime, self._runtime = self._runtime, None
        if server is not None:
            server.stop()
        if runtime is not None:
            moto_lambda.uninstall_runtime()
            runtime.shutdown()
        if Emulator._running is self:
            Emulator._running = None
        atexit.unregister(self.stop)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _post_moto_config(self, config: dict[str, object]) -> None:
        request = urllib.request.Request(
            f"{self.local_endpoint_url}/moto-api/config",
            data=json.dumps(config).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10):
            pass


class RemoteBindingRefused(ValueError):
    """The emulator runs Lambda code on this machine: listening beyond loopback must be asked for."""


def check_binding(host: str, allow_remote: bool) -> None:
    if host in LOOPBACK_HOSTS:
        return
    if not allow_remote:
        raise RemoteBindingRefused(
            f"Refusing to listen on {host}: the emulator runs Lambda code on this machine, and anyone who can "
            f"reach {host} could run theirs. Use 127.0.0.1, or pass --allow-remote if that is what you want."
        )
    print(
        f"WARNING: the emulator listens on {host} and accepts any Host header: anyone who can reach this "
        "address can run code on this machine as this user.",
        file=sys.stderr,
        flush=True,
    )


def _quiet_expected_noise() -> None:
    # werkzeug logs one access line per request; moto's interpreter logs every failing state (a Catch
    # in a saga is normal flow) at ERROR level.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").setLevel(logging.CRITICAL)


def _warm_backends() -> None:
    from moto.backends import get_backend

    for service in _WARM_SERVICES:
        get_backend(service)  # type: ignore[call-overload]
