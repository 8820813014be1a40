"""The speed-ups' tests: each speed-up keeps moto's behaviour.

Where a test needs moto patched, it runs in a fresh interpreter: patching this test process would change moto for
the other suites, which use it in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from devstack.emulator_process import PROJECT_ROOT


def _run_python(script: str, given: Any = None) -> Any:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120, check=False, input=json.dumps(given))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def run_python() -> Callable[..., Any]:
    """run_python(script, given=None): runs ``script`` in a fresh interpreter, ``given`` as JSON on its stdin; the
    script prints one JSON document last, which is returned parsed."""
    return _run_python


@pytest.fixture(scope="session")
def in_patched_moto() -> Callable[[str], Any]:
    """in_patched_moto(script): run_python after every moto extension is installed, as in the emulator."""

    def run(script: str) -> Any:
        prelude = "from emulator import moto_extensions\nmoto_extensions.install()\n"
        return _run_python(prelude + textwrap.dedent(script))

    return run
