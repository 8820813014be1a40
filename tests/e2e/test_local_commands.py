"""The operator commands on a fresh emulator: `demo`, `serve` (its printed commands, and Ctrl-C), and their
one-line errors (the deploy's own refusals are tested in tests/devstack)."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from devstack.clients import AwsClients
from devstack.executions import describe_when_ended
from emulator.ports import free_port
from sagactl.local.ready_message import COMMANDS_HEADER

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
WORKER_MODULE = "emulator.lambda_runtime.worker"
VENV_AWS = shlex.quote(str(Path(sys.executable).with_name("aws")))
SAGACTL_HTTP = f"{shlex.quote(sys.executable)} -m sagactl http "  # after PYTHONPATH=<the repository>


def worker_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if WORKER_MODULE in command_line:
                pids.add(int(entry.name))
    return pids


def workers_of(parent: int) -> set[int]:
    """The Lambda workers a process started: its children (the emulator runs in it) running the worker module.
    Other emulators on the machine (other test runs, benchmarks) have workers of their own."""
    return {pid for pid in worker_pids() if _parent_of(pid) == parent}


def _parent_of(pid: int) -> int | None:
    try:  # /proc/<pid>/stat: "<pid> (<command>) <state> <ppid> ..."; the command may hold spaces
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def wait_until_gone(pids: set[int], timeout_s: float = 15.0) -> set[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and pids & worker_pids():
        time.sleep(0.1)
    return pids & worker_pids()


def sagactl(*arguments: str, **kwargs: Any) -> subprocess.Popen[str]:
    # As from a terminal: Ctrl-C interrupts. pytest-xdist's workers ignore SIGINT, and a child inherits that.
    return subprocess.Popen([sys.executable, "-m", "sagactl", *arguments], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kwargs)


def test_demo_runs_every_scenario_and_leaves_nothing_running(declare_stack):
    demo = sagactl("demo", "--port", str(free_port()), "--burst", "20")
    spawned: set[int] = set()

    def watch() -> None:
        while demo.poll() is None:
            spawned.update(workers_of(demo.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    stdout, stderr = demo.communicate(timeout=300)
    watcher.join()
    assert demo.returncode == 0, stderr
    rows = [line for line in stdout.splitlines() if line.split("  ")[0].strip() in {
        "happy checkout", "out of stock → refund", "declined card", "invalid order", "duplicate submission",
        "HTTP checkout", "express burst of 20"}]
    assert len(rows) == 7 and all("  ok  " in row for row in rows), stdout
    assert "7/7 scenarios behaved as expected" in stdout
    # Progress is reported while it works: every resource the program declares (components and the AWS provider
    # aside) is created.
    declared = [r for r in declare_stack("dev").resources if r.custom and not r.type.startswith("pulumi:providers:")]
    assert f"deployed {len(declared)} resources" in stderr
    assert spawned, "the scenarios should have started Lambda workers"
    assert wait_until_gone(spawned) == set()


# --- serve: every printed command, pasted as printed -----------------------------------------------------


def printed_commands(serve: subprocess.Popen[str]) -> list[str]:
    """The lines of serve's ready-to-paste block (comments included), read as they are printed."""
    assert serve.stdout is not None
    lines = iter(serve.stdout.readline, "")
    for line in lines:
        if line.rstrip("\n") == COMMANDS_HEADER:
            break
    block = []
    for line in lines:
        if not line.strip():
            break
        block.append(line.rstrip("\n"))
    return block


class PastedCommands:
    """Each printed command run by a shell as printed, after the printed export line, from a directory and
    with an environment of their own: no AWS_* variable, no venv on the PATH."""

    def __init__(self, block: list[str], home: Path) -> None:
        commands = [line for line in block if not line.startswith("#")]
        assert len(block) == 2 * len(commands), "every command follows its comment"
        self.export, *self.commands = commands
        assert self.export.startswith("export AWS_ACCESS_KEY_ID=")
        self.home = home

    def named(self, operation: str) -> str:
        (command,) = [c for c in self.aws_commands if f" {operation} " in f"{c} "]
        return command

    @property
    def aws_commands(self) -> list[str]:
        return [c for c in self.commands if SAGACTL_HTTP not in c]

    @property
    def http_commands(self) -> list[str]:
        return [c for c in self.commands if SAGACTL_HTTP in c]

    def run_http(self, command: str) -> tuple[int, Any]:
        """`sagactl http` prints `HTTP <status>`, a Location line if any, then the JSON body."""
        done = subprocess.run(["bash", "-c", f"{self.export}\n{command}"], cwd=self.home, capture_output=True,
                              text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(self.home)})
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        status, *rest = done.stdout.splitlines()
        body = [line for line in rest if not line.startswith("Location: ")]
        return int(status.removeprefix("HTTP ")), json.loads("\n".join(body))

    def run(self, command: str) -> dict[str, Any]:
        done = subprocess.run(["bash", "-c", f"{self.export}\n{command}"], cwd=self.home, capture_output=True,
                              text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(self.home)})
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer


OPERATIONS = ("start-execution", "describe-execution", "get-execution-history", "start-sync-execution",
              "filter-log-events")


def test_serve_prints_commands_that_work_as_printed_and_stops_cleanly_on_ctrl_c(tmp_path: Path):
    port = free_port()
    serve = sagactl("serve", "--port", str(port))
    spawned: set[int] = set()
    try:
        pasted = PastedCommands(printed_commands(serve), tmp_path)
        assert sorted(pasted.named(operation) for operation in OPERATIONS) == sorted(pasted.aws_commands)
        assert all(VENV_AWS in command for command in pasted.aws_commands)  # works without activating the venv
        checkout, status, validation = pasted.http_commands  # by this venv's Python: no activation either

        execution_arn = pasted.run(pasted.named("start-execution"))["executionArn"]
        sfn = AwsClients(endpoint_url=f"http://127.0.0.1:{port}").stepfunctions
        describe_when_ended(sfn, execution_arn, timeout_s=120)  # waits here: each pasted command is a CLI start-up
        described = pasted.run(pasted.named("describe-execution"))
        events = pasted.run(pasted.named("get-execution-history"))["events"]
        ended = (described.get("error"), described.get("cause"), [event["type"] for event in events])
        assert (described["executionArn"], described["status"]) == (execution_arn, "SUCCEEDED"), ended
        assert events[-1]["type"] == "ExecutionSucceeded"
        validated = pasted.run(pasted.named("start-sync-execution"))  # the invalid example
        assert (validated["status"], validated["error"]) == ("FAILED", "OrderInvalid")
        logged = pasted.run(pasted.named("filter-log-events"))["events"]
        # the charge's invocation: its functions log in JSON, so the REPORT is a platform.report record
        assert any('"type":"platform.report"' in event["message"] for event in logged)

        accepted, started = pasted.run_http(checkout)
        assert accepted == 202 and started["status"].endswith(f"/checkouts/{started['orderId']}")
        describe_when_ended(sfn, f"{execution_arn.rsplit(':', 1)[0]}:{started['orderId']}", timeout_s=120)
        answer = pasted.run_http(status)
        assert answer[0] == 200 and answer[1]["status"] == "SUCCEEDED" and answer[1]["result"]["payment_id"]
        code, validated = pasted.run_http(validation)  # the invalid example
        assert code == 422 and {"customer_id", "currency"} <= {error["field"] for error in validated["errors"]}

        spawned = workers_of(serve.pid)
        assert spawned, "the execution should have started Lambda workers"
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=60) in (0, 130)
    finally:
        serve.kill()
        serve.wait()
    assert wait_until_gone(spawned) == set()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))  # nothing listens there any more


# --- errors ----------------------------------------------------------------------------------------------


def test_serve_on_a_taken_port_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = sagactl("serve", "--port", str(port))
        _, stderr = serve.communicate(timeout=60)
    assert serve.returncode == 2
    [line] = stderr.splitlines()  # answered before the emulator starts
    assert line.startswith("sagactl: ") and str(port) in line and "--port" in line


def test_serve_of_an_unknown_stack_lists_the_stacks_there_are_in_one_line():
    serve = sagactl("serve", "--port", str(free_port()), "--stack", "staging")
    _, stderr = serve.communicate(timeout=120)
    assert serve.returncode == 2
    assert stderr.splitlines() == [f"sagactl: no stack file Pulumi.staging.yaml; stacks in {REPO}: dev, prod"]


def test_serve_with_a_lambda_python_that_does_not_run_says_so_in_one_line():
    serve = sagactl("serve", "--port", str(free_port()),
                    env={**os.environ, "LAMBDA_PYTHON": "/nonexistent/python3.13"})
    _, stderr = serve.communicate(timeout=120)
    assert serve.returncode == 2
    [line] = stderr.splitlines()  # answered before the emulator starts
    assert line.startswith("sagactl: cannot run /nonexistent/python3.13 to compile the handlers")
