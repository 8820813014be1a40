"""The real AWS CLI (the venv's, awscli v1) run against the emulator, as a developer would run it.

The environment is built from scratch (PATH and the emulator's client variables), so nothing of the caller's
shell, e.g. real credentials or a profile, reaches the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devstack.clients import EMULATOR_REGION, client_environment

AWS_CLI = Path(sys.executable).with_name("aws")
TIMEOUT_S = 60


def run_aws_cli(endpoint_url: str, *arguments: str, region: str = EMULATOR_REGION) -> subprocess.CompletedProcess[str]:
    """``aws <arguments> --endpoint-url <endpoint_url>``; the completed process (check its returncode)."""
    environment = {"PATH": os.environ.get("PATH", ""), **client_environment(endpoint_url, region)}
    return subprocess.run(
        [str(AWS_CLI), *arguments, "--endpoint-url", endpoint_url],
        env=environment, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )
