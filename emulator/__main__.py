"""``python -m emulator --port N``: runs the emulator until SIGINT/SIGTERM.

Prints ``READY <endpoint_url>`` on stdout once it serves requests (callers wait for that line). On
SIGINT/SIGTERM it stops the server and kills every Lambda worker before exiting.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from emulator.lambda_runtime.runtime import DEFAULT_POOL_SIZE
from emulator.ports import PortInUseError
from emulator.server import DEFAULT_HOST, DEFAULT_PORT, Emulator, RemoteBindingRefused

EXIT_PORT_IN_USE = 2
EXIT_REFUSED = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parse_arguments(argv)
    if arguments.moto_checklist:
        from emulator import moto_extensions

        print(moto_extensions.checklist())
        return 0 if not moto_extensions.compatibility_problems() else 1
    stop_requested = threading.Event()

    def request_stop(signal_number: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    emulator = Emulator(
        port=arguments.port, host=arguments.host, lambda_pool_size=arguments.lambda_pool_size,
        allow_remote=arguments.allow_remote, cors_origins=tuple(arguments.cors_origin),
    )
    try:
        emulator.start()
    except PortInUseError as error:
        print(error, file=sys.stderr)
        return EXIT_PORT_IN_USE
    except RemoteBindingRefused as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    try:
        print(f"READY {emulator.local_endpoint_url}", flush=True)
        while not stop_requested.wait(0.5):  # a timed wait keeps the main thread responsive to signals
            pass
    finally:
        emulator.stop()
    return 0


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks a free one")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}; another needs --allow-remote")
    parser.add_argument(
        "--allow-remote", action="store_true",
        help="listen beyond loopback and accept any Host header (anyone reaching the address can run code here)",
    )
    parser.add_argument(
        "--cors-origin", action="append", default=[], metavar="ORIGIN",
        help="a web origin allowed to call the emulator, with CORS headers (repeatable; default: none)",
    )
    parser.add_argument(
        "--lambda-pool-size",
        type=int,
        default=DEFAULT_POOL_SIZE,
        help=f"warm workers per function, i.e. concurrent invocations of one function (default {DEFAULT_POOL_SIZE})",
    )
    parser.add_argument(
        "--moto-checklist", action="store_true",
        help="print every extension of moto with the seams it relies on (exit 1 if one moved), then exit",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
