"""Every command the README shows works when pasted: the local ones are run here, in order, against a stack on
the emulator; the others are named below with where they run instead (so a new README command cannot escape).

The README's local commands name the emulator's default endpoint; the test's stack listens on a free port, which
is the one substitution made. They run from a directory linking to everything in the repository (what the
commands name relatively) but its `out/`, so what they write (`out/traces`) stays out of the repository.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.emulator_process import PROJECT_ROOT
from devstack.executions import describe_when_ended
from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess

pytestmark = pytest.mark.e2e
README = PROJECT_ROOT / "README.md"
LOCAL_ENDPOINT = "http://127.0.0.1:4566"
# Commands that are not run here, by how they start, and where they are run or why they cannot be.
RUN_ELSEWHERE = {
    "make demo": "tests/e2e/test_local_commands.py runs the demo",
    "make test": "this test suite, run by CI",
    "venv/bin/python -m sagactl serve": "tests/e2e/test_local_commands.py runs serve and every command it prints",
    "venv/bin/python -m sagactl trace arn:aws:states:eu-west-1:111122223333:": "on AWS: needs an account",
    "pulumi ": "the Pulumi CLI and an AWS account (the program itself runs in tests/program under mocks)",
    "aws stepfunctions ": "on AWS: needs an account (the same calls run here against the emulator)",
    'venv/bin/python -m sagactl http POST "$(pulumi stack output': "on AWS: needs an account (the same call runs here)",
    'venv/bin/python -m sagactl http GET "$(pulumi stack output': "on AWS: needs an account (the same call runs here)",
    "venv/bin/python -m bench": "benchmarks, on demand (minutes; tests/bench covers what they compute)",
    "venv/bin/python -m sagactl chaos": "minutes at full size; tests/e2e/reliability runs the same at CI size",
    "venv/bin/python -m sagactl fuzz": "minutes at full size; tests/e2e/reliability runs the same at CI size",
    "venv/bin/python -m sagactl cost": "starts its own emulator (tests/sagactl/cost covers the model)",
    "venv/bin/python -m sagactl rollout": "on AWS after a canary deploy (tests/e2e/test_versions.py runs it locally)",
}


def readme_commands() -> list[str]:
    """Every command line of the README's bash blocks, continuation lines joined, comments left out."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+", " ", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def runs_here(command: str) -> bool:
    return LOCAL_ENDPOINT in command or command.startswith("export AWS_ACCESS_KEY_ID=")


def elsewhere(command: str) -> str | None:
    return next((reason for start, reason in RUN_ELSEWHERE.items() if command.startswith(start)), None)


def test_every_readme_command_is_run_here_or_named_with_where_it_runs() -> None:
    commands = readme_commands()

    unaccounted = [c for c in commands if not runs_here(c) and elsewhere(c) is None]
    assert unaccounted == []
    assert sum(runs_here(c) for c in commands) >= 8  # the serve block and the audit trail's


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with in_subprocess(config_overrides=FAST_RETRIES) as local:
        yield local


def test_the_local_commands_work_when_pasted(stack: LocalStack, tmp_path: Path) -> None:
    for entry in PROJECT_ROOT.iterdir():  # a clone as the README's reader has it, without its out/
        if entry.name not in {"out", ".git"}:
            (tmp_path / entry.name).symlink_to(entry)
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}  # none of the caller's AWS settings
    session = ""  # what earlier commands set (the README's export line), kept for the later ones
    for command in (c for c in readme_commands() if runs_here(c)):
        line = command.replace(LOCAL_ENDPOINT, stack.endpoint_url)
        if line.startswith("export "):
            session = line + "; "
            continue
        done = subprocess.run(["bash", "-c", session + line], cwd=tmp_path, env=environment, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        started = re.search(r'"executionArn": "([^"]+)"', done.stdout)
        if started and "start-execution" in command:  # pasted one by one, a checkout has ended before the next
            describe_when_ended(stack.clients.stepfunctions, started.group(1), timeout_s=120)
        assert_effect(command, done.stdout, tmp_path)


def assert_effect(command: str, output: str, workdir: Path) -> None:
    """What each kind of README command must have done, beyond exiting 0."""
    arguments = shlex.split(command)
    if arguments[1:4] == ["-m", "sagactl", "http"]:
        route = arguments[5].split("/v1", 1)[1]
        expected = {"/checkouts": 202, "/orders/validate": 422}.get(route, 200)
        assert output.startswith(f"HTTP {expected}\n"), output
    elif "describe-execution" in arguments:
        assert '"status": "SUCCEEDED"' in output, output  # all of it: a failure's error and cause
    elif "start-sync-execution" in arguments:
        assert '"status": "FAILED"' in output and "OrderInvalid" in output
    elif "filter-log-events" in arguments:
        assert "platform.report" in output  # the handlers log in JSON: the REPORT is a platform.report record
    elif "executions" in arguments:
        assert "ord-1002" in output and "FAILED (OutOfStock)" in output
    elif "trace" in arguments:
        assert "↩ RefundPayment" in output and (workdir / "out" / "traces").is_dir()
