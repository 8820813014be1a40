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


# DynamoDB update cases shared by the speed-ups touching moto's update path: (item before or None,
# UpdateExpression, names, values); the handlers' expressions, then moto's other paths and errors.
KEY = {"pk": {"S": "ORDER#o-1"}, "sk": {"S": "ORDER"}}
ORDER = {**KEY, "status": {"S": "PENDING"}, "amount_minor": {"N": "2599"}, "labels": {"SS": ["gift"]},
         "flags": {"SS": ["new", "fragile"]}, "steps": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
         "notes": {"L": [{"S": "x"}, {"S": "y"}]}, "shipping": {"M": {"town": {"S": "Lyon"}}}}
NOW = {":now": {"S": "2026-11-26T03:00:00Z"}}
ONE = {":one": {"N": "1"}}

# (item before or None, UpdateExpression, names, values): the handlers' expressions, then moto's other paths.
UPDATE_CASES: list[tuple[dict[str, Any] | None, str, dict[str, str] | None, dict[str, Any]]] = [
    (ORDER, "SET #status = :confirmed, updated_at = :now, payment_id = :payment_id,"
            " confirmation_id = if_not_exists(confirmation_id, :confirmation_id),"
            " confirmed_at = if_not_exists(confirmed_at, :now)",
     {"#status": "status"},
     {":confirmed": {"S": "CONFIRMED"}, ":payment_id": {"S": "pay-1"}, ":confirmation_id": {"S": "conf-1"}, **NOW}),
    (None, "SET #response_data = :response_data, #expiry = :expiry, #status = :status",
     {"#response_data": "data", "#expiry": "expiration", "#status": "status"},
     {":response_data": {"S": '{"ok": true}'}, ":expiry": {"N": "1790000000"}, ":status": {"S": "COMPLETED"}}),
    (ORDER, "SET amount_minor = amount_minor - :quantity, updated_at = :now", None,
     {":quantity": {"N": "99"}, **NOW}),
    (None, "SET available = if_not_exists(available, :zero) + :quantity, updated_at = :now", None,
     {":zero": {"N": "0"}, ":quantity": {"N": "3"}, **NOW}),
    (ORDER, "SET steps = list_append(steps, :more), shipping.town = :town, #notes[1] = :first", {"#notes": "notes"},
     {":more": {"L": [{"S": "e"}]}, ":town": {"S": "Paris"}, ":first": {"S": "B"}}),
    (ORDER, "REMOVE steps[0], steps[2], shipping.town", None, {}),
    (ORDER, "ADD amount_minor :one, labels :labels DELETE flags :gone", None,
     {**ONE, ":labels": {"SS": ["rush"]}, ":gone": {"SS": ["new"]}}),
    # errors moto raises while validating or executing
    (ORDER, "SET amount_minor = :one, amount_minor = :two", None, {**ONE, ":two": {"N": "2"}}),
    (ORDER, "SET pk = :x", None, {":x": {"S": "other"}}),
    (ORDER, "SET a = :one SET b = :one", None, ONE),
    (ORDER, "SET n = absent_attribute + :one", None, ONE),
    (ORDER, "SET amount_minor = #status + :one", {"#status": "status"}, ONE),
    (ORDER, "SET amount_minor = :nope", None, ONE),
    (ORDER, "SET sk = :empty", None, {":empty": {"S": ""}}),
]


@pytest.fixture(scope="session")
def update_cases() -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """(the key every case updates, the cases): see UPDATE_CASES."""
    return KEY, UPDATE_CASES
