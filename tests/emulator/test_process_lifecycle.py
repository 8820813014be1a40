"""The emulator as a process: READY line, port conflicts, and no Lambda worker outliving it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.emulator_process import EmulatorProcess
from emulator.ports import PortInUseError, ensure_port_free, free_port

REPORT_PID_THEN_SLEEP = """
import os, time

def handler(event, context):
    if "pid_file" in event:
        with open(event["pid_file"], "w") as pid_file:
            pid_file.write(str(os.getpid()))
    time.sleep(event.get("sleep", 0))
    return os.getpid()
"""


@pytest.fixture
def emulator_tmpdir(tmp_path: Path) -> Path:
    """The temporary directory of own_emulator (TMPDIR): a killed emulator's unpacked code stays there, not in /tmp."""
    directory = tmp_path / "emulator-tmp"
    directory.mkdir()
    return directory


@pytest.fixture
def own_emulator(kit, emulator_tmpdir: Path) -> Iterator[EmulatorProcess]:
    """An emulator of its own, for tests that stop or kill it."""
    running = kit.start_emulator(extra_env={"TMPDIR": str(emulator_tmpdir)})
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def start_workers(kit, emulator: EmulatorProcess, busy_pid_file: Path) -> list[int]:
    """Three warm workers, one of them then busy in a long invocation; returns their pids."""
    emulator.client("iam").create_role(RoleName="lambda-role", AssumeRolePolicyDocument="{}")
    emulator.client("lambda").create_function(
        FunctionName="sleeper",
        Runtime="python3.13",
        Role=kit.role_arn,
        Handler="app.handler",
        Code={"ZipFile": kit.zip_source({"app.py": REPORT_PID_THEN_SLEEP})},
        Timeout=60,
    )
    threads = [threading.Thread(target=kit.invoke, args=(emulator, "sleeper", {"sleep": 0.5})) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    busy = threading.Thread(
        target=_invoke_ignoring_errors, args=(kit, emulator, {"pid_file": str(busy_pid_file), "sleep": 30}), daemon=True
    )
    busy.start()
    deadline = time.monotonic() + 10
    while not busy_pid_file.exists() or not busy_pid_file.read_text():
        assert time.monotonic() < deadline, "the busy invocation never started"
        time.sleep(0.05)
    worker_pids = _child_pids(emulator.process.pid)
    assert int(busy_pid_file.read_text()) in worker_pids
    assert len(worker_pids) == 3
    return worker_pids


def _invoke_ignoring_errors(kit, emulator: EmulatorProcess, event: dict[str, object]) -> None:
    with contextlib.suppress(Exception):  # the emulator goes away mid-invocation: that is the point
        kit.invoke(emulator, "sleeper", event)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stop_signal_leaves_no_worker_and_no_unpacked_code_behind(
    own_emulator: EmulatorProcess, emulator_tmpdir: Path, tmp_path: Path, stop_signal: signal.Signals, kit
) -> None:
    worker_pids = start_workers(kit, own_emulator, tmp_path / "busy.pid")
    assert list(emulator_tmpdir.glob("emulator-lambda-*/code/*"))  # the workers' code, unpacked

    own_emulator.process.send_signal(stop_signal)

    assert own_emulator.process.wait(timeout=20) == 0
    assert [pid for pid in worker_pids if _process_exists(pid)] == []
    assert list(emulator_tmpdir.iterdir()) == []


def test_workers_exit_when_the_emulator_is_killed(own_emulator: EmulatorProcess, tmp_path: Path, kit) -> None:
    worker_pids = start_workers(kit, own_emulator, tmp_path / "busy.pid")

    own_emulator.process.kill()  # SIGKILL: no cleanup code runs; the workers' lifeline pipe closes
    own_emulator.process.wait()

    deadline = time.monotonic() + 10
    while survivors := [pid for pid in worker_pids if _process_exists(pid)]:
        assert time.monotonic() < deadline, f"workers outlived the emulator: {survivors}"
        time.sleep(0.05)


def test_taken_port_is_a_clear_error(kit) -> None:
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]

        result = subprocess.run(
            [sys.executable, "-m", "emulator", "--port", str(port)],
            cwd=kit.project_root,
            capture_output=True,
            text=True,
            timeout=60,
        )
        with pytest.raises(PortInUseError) as in_process:
            ensure_port_free("127.0.0.1", port)

    assert result.returncode == 2
    assert result.stdout == ""
    assert f"port {port}" in result.stderr and "--port" in result.stderr
    assert f"port {port}" in str(in_process.value)


def test_in_process_emulator_is_a_context_manager(tmp_path: Path, kit) -> None:
    # In a subprocess: moto's backends and our moto extensions are process-wide.
    script = textwrap.dedent(
        f"""
        import json, os
        from devstack.clients import AwsClients
        from emulator.server import Emulator
        with Emulator(port={free_port()}) as emulator:
            clients = AwsClients.for_emulator(emulator.endpoint_url)
            clients.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{{}}")
            lambda_client = clients.client("lambda")
            lambda_client.create_function(
                FunctionName="f", Runtime="python3.13", Role="arn:aws:iam::123456789012:role/r",
                Handler="app.handler", Code={{"ZipFile": {kit.zip_source({"app.py": REPORT_PID_THEN_SLEEP})!r}}},
            )
            pid = json.load(lambda_client.invoke(FunctionName="f", Payload=b"{{}}")["Payload"])
            assert emulator.lambda_runtime.worker_pids() == [pid]
        print(json.dumps({{"endpoint": emulator.endpoint_url, "worker": pid}}))
        """
    )

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=kit.project_root, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["endpoint"].startswith("http://127.0.0.1:")
    assert not _process_exists(outcome["worker"])


def _child_pids(parent_pid: int) -> list[int]:
    """Children of every thread of the process: Linux lists a child under the thread that started it."""
    pids: list[int] = []
    for task in Path(f"/proc/{parent_pid}/task").iterdir():
        try:
            pids.extend(int(pid) for pid in (task / "children").read_text().split())
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return sorted(pids)


def _process_exists(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped by init) counts as gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_child_pid_helper_sees_this_process_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in _child_pids(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_listening_beyond_loopback_must_be_asked_for(kit) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--host", "0.0.0.0", "--port", "0"],
        cwd=kit.project_root, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Refusing to listen on 0.0.0.0" in result.stderr
    assert "--allow-remote" in result.stderr


def test_allowed_remote_clients_reach_it_by_any_name_and_are_warned(kit) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--host", "0.0.0.0", "--port", "0", "--allow-remote"],
        cwd=kit.project_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().strip()
        # What local processes (and the Lambda workers) use: loopback, not the wildcard address.
        assert ready.startswith("READY http://127.0.0.1:")
        port = int(ready.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(f"GET /emulator-api/faults HTTP/1.1\r\nHost: build-box.lan:{port}\r\n"
                               "Connection: close\r\n\r\n".encode())
            status_line = connection.makefile("rb").readline()
        assert b" 200 " in status_line
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "WARNING: the emulator listens on 0.0.0.0" in stderr
