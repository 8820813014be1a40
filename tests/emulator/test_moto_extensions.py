"""The registry of moto extensions: every extension declared and registered, every seam checked, failures named."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys

import moto
import pytest
from moto.awslambda.models import LambdaFunction
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

import emulator
from devstack.emulator_process import PROJECT_ROOT
from emulator.moto_extensions import EXTENSIONS, MotoCompatibilityError, check_moto_compatibility, checklist
from emulator.moto_seams import Holds, Kind, SetsAttributes, SourceLine


def emulator_modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages(emulator.__path__, "emulator.")]


def test_pinned_moto_is_compatible() -> None:
    check_moto_compatibility()


def test_every_declared_extension_is_registered_once() -> None:
    declared = []
    for name in emulator_modules():
        module = importlib.import_module(name)
        declared.extend(getattr(module, "EXTENSIONS", ()))
        if hasattr(module, "EXTENSION"):
            declared.append(module.EXTENSION)
    names = [extension.name for extension in EXTENSIONS]
    assert len(names) == len(set(names))
    assert {extension.name for extension in declared} == set(names)
    for extension in EXTENSIONS:
        assert extension.module in emulator_modules() and extension.purpose and extension.seams, extension.name


def test_a_missing_attribute_names_the_extension_and_its_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(LambdaFunction, "_invoke_lambda")

    expected = re.escape(
        "lambda-invoke (emulator.lambda_runtime.moto_lambda): LambdaFunction._invoke_lambda is missing"
    )
    with pytest.raises(MotoCompatibilityError, match=expected):
        check_moto_compatibility()


def test_a_changed_signature_names_the_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    def start_execution(self: object, state_machine_arn: str, name: str) -> None: ...

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start_execution)

    expected = re.escape("sfn-start-execution (emulator.stepfunctions.start_execution): "
                         "StepFunctionsParserBackend.start_execution takes ['self', 'state_machine_arn', 'name']")
    with pytest.raises(MotoCompatibilityError, match=expected):
        check_moto_compatibility()


def test_another_moto_version_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moto, "__version__", "6.0.0")

    with pytest.raises(MotoCompatibilityError, match=re.escape("moto 6.0.0 is installed")):
        check_moto_compatibility()


def test_an_attribute_no_longer_set_is_found() -> None:
    class Moved:
        def __init__(self) -> None:
            self.renamed = 1

    seam = SetsAttributes(Moved, "__init__", ("code_bytes",))
    assert seam.problems() == [f"{Moved.__qualname__}.__init__ no longer sets self.code_bytes"]
    assert SetsAttributes(Moved, "__init__", ("renamed",)).problems() == []


def test_a_source_line_no_longer_there_is_found() -> None:
    class Changed:
        def update(self) -> None:
            self.update_date = None

    assert SourceLine(Changed, "update", "self.update_date = None").problems() == []
    assert SourceLine(Changed, "update", "self.update_date = utcnow()").problems() == [
        f"{Changed.__qualname__}.update no longer contains `self.update_date = utcnow()`"
    ]


def test_a_fact_no_longer_true_is_found() -> None:
    assert Holds("two is two", lambda: 2 == 2).problems() == []
    assert Holds("two is three", lambda: False).problems() == ["no longer true: two is three"]


def test_the_checklist_lists_every_extension_with_its_kind_module_and_seams() -> None:
    text = checklist()

    for extension in EXTENSIONS:
        assert f"{extension.name}  [{extension.kind.value}; {extension.module};" in text
        for seam in extension.seams:
            assert f"- {seam.describe()}  (ok)" in text
    assert {extension.kind for extension in EXTENSIONS} == set(Kind)


def test_the_checklist_command_prints_it_and_exits_zero() -> None:
    done = subprocess.run([sys.executable, "-m", "emulator", "--moto-checklist"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("moto 5.2.5 (installed: 5.2.5)")
    assert all(extension.name in done.stdout for extension in EXTENSIONS)


def test_importing_the_emulator_patches_nothing_only_install_does() -> None:
    """No patch outside the registry: importing every module of the emulator leaves moto and the standard
    library as they were; only moto_extensions.install() changes them, once (checked in a fresh interpreter:
    the test process must not be patched, other suites use moto in-process)."""
    script = """
import importlib, json, pkgutil, sys
import http.client
import moto.backends, moto.core.responses, moto.awslambda.models as lam, moto.dynamodb.responses as ddb
import moto.moto_server.werkzeug_app as app, moto.stepfunctions.parser.models as sfn
import moto.stepfunctions.responses as sfn_responses
watched = {"http.client": http.client, "lambda": lam.LambdaFunction, "dynamodb": ddb.DynamoHandler,
           "base_response": moto.core.responses.BaseResponse, "dispatcher": app.DomainDispatcherApplication,
           "sfn_backend": sfn.StepFunctionsParserBackend, "sfn_models": sfn, "backends": moto.backends,
           "sfn_responses": sfn_responses.StepFunctionResponse}
def snapshot():
    return {f"{label}.{name}": id(value) for label, owner in watched.items() for name, value in vars(owner).items()}
before = snapshot()
import emulator
for info in pkgutil.walk_packages(emulator.__path__, "emulator."):
    if not info.name.endswith(("__main__", ".worker")):
        importlib.import_module(info.name)
after_import = snapshot()
from emulator import moto_extensions
moto_extensions.install()
after_install = snapshot()
moto_extensions.install()
print(json.dumps({"import": sorted(k for k in after_import if after_import.get(k) != before.get(k)),
                  "install": sorted(k for k in after_install if after_install.get(k) != after_import.get(k)),
                  "again": sorted(k for k in snapshot() if snapshot().get(k) != after_install.get(k))}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    changed = json.loads(done.stdout)

    assert changed["import"] == []
    assert "lambda._invoke_lambda" in changed["install"] and "sfn_backend.start_execution" in changed["install"]
    assert changed["again"] == []
