"""The operator commands on a fresh emulator: `demo`, `serve` (and Ctrl-C), and deploy-time errors."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulator.client_config import boto3_client, client_environment
from emulator.deploy import UnsupportedResourceError, deploy
from emulator.ports import free_port
from emulator.pulumi_program import StackConfigError
from sagactl.executions import wait_for_execution

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
WORKER_MODULE = "emulator.lambda_runtime.worker"


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


def wait_until_gone(pids: set[int], timeout_s: float = 15.0) -> set[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and pids & worker_pids():
        time.sleep(0.1)
    return pids & worker_pids()


def sagactl(*arguments: str, **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sagactl", *arguments], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_demo_runs_every_scenario_and_leaves_nothing_running():
    before = worker_pids()
    demo = sagactl("demo", "--port", str(free_port()), "--burst", "20")
    stdout, stderr = demo.communicate(timeout=300)
    assert demo.returncode == 0, stderr
    rows = [line for line in stdout.splitlines() if line.split("  ")[0].strip() in {
        "happy checkout", "out of stock → refund", "declined card", "invalid order", "duplicate submission",
        "express burst of 20"}]
    assert len(rows) == 6 and all("  ok  " in row for row in rows), stdout
    assert "6/6 scenarios behaved as expected" in stdout
    assert "deployed 39 resources" in stderr  # progress is reported while it works
    assert wait_until_gone(worker_pids() - before) == set()


def test_serve_prints_working_commands_and_stops_cleanly_on_ctrl_c():
    before = worker_pids()
    port = free_port()
    serve = sagactl("serve", "--port", str(port))
    assert serve.stdout is not None
    printed = []
    for line in serve.stdout:
        printed.append(line.rstrip())
        if line.startswith("  aws") and "logs" in line:
            break
    start = next(line for line in printed if "start-execution " in line and "sync" not in line).strip()
    environment = {"PATH": os.environ["PATH"], **client_environment(f"http://127.0.0.1:{port}")}
    aws = str(Path(sys.executable).with_name("aws"))
    started = subprocess.run([aws, *shlex.split(start)[1:]], env=environment, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode == 0, started.stderr
    execution_arn = json.loads(started.stdout)["executionArn"]
    sfn = boto3_client("stepfunctions", f"http://127.0.0.1:{port}")
    assert wait_for_execution(sfn, execution_arn, timeout_s=120).status == "SUCCEEDED"
    spawned = worker_pids() - before
    assert spawned, "the execution should have started Lambda workers"
    serve.send_signal(signal.SIGINT)
    assert serve.wait(timeout=60) in (0, 130)
    assert wait_until_gone(spawned) == set()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))  # nothing listens there any more


def test_serve_on_a_taken_port_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = sagactl("serve", "--port", str(port))
        _, stderr = serve.communicate(timeout=60)
    assert serve.returncode == 2
    assert str(port) in stderr and "--port" in stderr
    assert "Traceback" not in stderr


def test_an_unsupported_resource_is_reported_by_name(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text('import pulumi_aws as aws\naws.s3.Bucket("receipts")\n')
    with pytest.raises(UnsupportedResourceError, match=r"'receipts' of type aws:s3/bucket:Bucket"):
        deploy("http://127.0.0.1:9", "dev", project_dir=tmp_path)


def test_an_unknown_stack_lists_the_stacks_there_are():
    with pytest.raises(StackConfigError, match="dev, prod"):
        deploy("http://127.0.0.1:9", "staging")
