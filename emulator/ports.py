"""Checking that the emulator's port is free before its server tries to bind it.

werkzeug's server, when its bind fails, prints the reason and exits the process; checking first turns that
into a clear error (and http.server turns a bind lost to a race into the same one).
"""

from __future__ import annotations

import socket


class PortInUseError(RuntimeError):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"Cannot start the emulator: port {port} on {host} is already in use "
            f"(another emulator, or another program?). Choose another port with `--port N` "
            f"(or Emulator(port=N)); `--port 0` picks a free one."
        )
        self.host = host
        self.port = port


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same option as the server's socket, so a port held only by TIME_WAIT leftovers counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUseError(host, port) from None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
