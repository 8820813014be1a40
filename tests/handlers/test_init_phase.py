"""A handler's import runs without the cyclic garbage collector, which resumes afterwards with the import frozen.

In a fresh interpreter per handler, as a Lambda worker starts: the test process imported the handlers long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
MODULES = sorted(path.stem for path in HANDLERS.glob("*.py"))

IMPORT_WATCHING_THE_COLLECTOR = """
import gc, importlib, json, sys
collections = []  # those once the handler's first import paused the collector

def seen(phase, info):
    if phase == "start" and "checkout_domain.init_phase" in sys.modules:
        collections.append(info["generation"])

gc.callbacks.append(seen)
importlib.import_module(sys.argv[1])
gc.callbacks.remove(seen)
print(json.dumps({"collections": collections, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


@pytest.mark.parametrize("module", MODULES)
def test_the_import_makes_no_collection_and_leaves_the_collector_on(module: str) -> None:
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "PYTHONPATH": str(HANDLERS)}
    completed = subprocess.run([sys.executable, "-c", IMPORT_WATCHING_THE_COLLECTOR, module], env=env,
                               capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["collections"] == []
    assert seen["enabled"] is True
    assert seen["frozen"] > 10_000  # what the import built, out of every later collection's walk
