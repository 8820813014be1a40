"""The emulator in a process of its own (``python -m emulator``), started and stopped for the tooling.

A process of its own rather than an in-process Emulator when a caller also generates load (chaos, fuzz, the
benchmarks, the tests): the caller and the emulator then each have an interpreter lock, as a client and AWS
would, and moto's process-wide state stays out of the caller.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.clients import AwsClients

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 60


class EmulatorStartError(RuntimeError):
    pass


@dataclass
class EmulatorProcess:
    process: subprocess.Popen[str]
    endpoint_url: str
    _clients: AwsClients | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def clients(self, **options: Any) -> AwsClients:
        return AwsClients.for_emulator(self.endpoint_url, **options)

    def client(self, service: str) -> Any:
        """A client of one service (made once per process object)."""
        if self._clients is None:
            self._clients = self.clients()
        return self._clients.client(service)

    def stop(self) -> None:
        """SIGTERM: the emulator kills its Lambda workers and exits 0."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STOP_TIMEOUT_S)


def start_emulator_process(
    port: int = 0,
    lambda_pool_size: int | None = None,
    extra_env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> EmulatorProcess:
    """Starts ``python -m emulator``; returns once it printed READY (``port=0``: a free port)."""
    command = [sys.executable, "-m", "emulator", "--port", str(port), *extra_args]
    if lambda_pool_size is not None:
        command += ["--lambda-pool-size", str(lambda_pool_size)]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env={**os.environ, **(extra_env or {})}, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the emulator prints exactly one line, READY, once it serves
    if not line.startswith("READY "):
        process.kill()
        raise EmulatorStartError(f"the emulator did not start: {line!r}, exit code {process.wait()}")
    return EmulatorProcess(process, line.split()[1])
