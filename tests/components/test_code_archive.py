"""components/code_archive.py: a handler's code archive, or a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from components import bytecode
from components.code_archive import handler_archive, imported_by
from devstack.program import PROJECT_DIR


def test_archive_of_a_missing_handler_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"nope\.py"):
        handler_archive(PROJECT_DIR / "handlers", "nope", ("checkout_domain",))
    (tmp_path / "h.py").write_text("")
    with pytest.raises(FileNotFoundError, match="not a Python package"):
        handler_archive(tmp_path, "h", ("missing",))


LAMBDA_PYTHON = PROJECT_DIR / "venv-lambda" / "bin" / "python"  # Python 3.13, as `make test` builds it
needs_lambda_python = pytest.mark.skipif(not LAMBDA_PYTHON.exists(), reason="no venv-lambda (make test builds it)")


def archived_files(archive) -> dict[str, bytes]:
    return {name: Path(asset.path).read_bytes() for name, asset in archive.assets.items()}


@needs_lambda_python
def test_the_archive_ships_unchecked_hash_bytecode_of_lambdas_python_for_every_module(monkeypatch):
    monkeypatch.setenv("LAMBDA_PYTHON", str(LAMBDA_PYTHON))
    files = archived_files(handler_archive(PROJECT_DIR / "handlers", "process_payment", ("checkout_domain",),
                                           "python3.13"))

    bytecode = sorted(name for name in files if name.endswith(".pyc"))
    assert "__pycache__/process_payment.cpython-313.pyc" in bytecode
    assert "checkout_domain/__pycache__/payments.cpython-313.pyc" in bytecode  # imported by it
    assert "checkout_domain/__pycache__/inventory.cpython-313.pyc" not in bytecode  # not: only its source ships
    assert "checkout_domain/inventory.py" in files
    # PEP 552: flags 0b01 = hash-based, source not checked at import; no timestamp, so builds are identical.
    assert {int.from_bytes(files[name][4:8], "little") for name in bytecode} == {0b01}


@needs_lambda_python
def test_the_same_sources_give_the_same_archive_and_python_imports_its_bytecode(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LAMBDA_PYTHON", str(LAMBDA_PYTHON))
    build = lambda: archived_files(  # noqa: E731
        handler_archive(PROJECT_DIR / "handlers", "confirm_order", ("checkout_domain",), "python3.13"))
    files = build()
    assert build() == files

    for name, content in files.items():  # unpacked read-only, as in Lambda's /var/task
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    imported = subprocess.run(
        [str(LAMBDA_PYTHON), "-v", "-c", "import checkout_domain.orders"], cwd=tmp_path, capture_output=True,
        text=True, env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": os.environ["PATH"]}, check=True,
    )
    assert f"code object from '{tmp_path}/checkout_domain/__pycache__/orders.cpython-313.pyc'" in imported.stderr


@pytest.fixture
def python_looked_up_afresh():
    bytecode._found_python.cache_clear()  # the lookup is kept per process: this test's finding stays its own
    yield
    bytecode._found_python.cache_clear()


def test_without_lambdas_python_the_archive_ships_the_sources_alone(monkeypatch, tmp_path, python_looked_up_afresh):
    monkeypatch.setenv("LAMBDA_PYTHON", "")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    files = archived_files(handler_archive(PROJECT_DIR / "handlers", "confirm_order", ("checkout_domain",),
                                           "python3.13"))

    assert files and not [name for name in files if name.endswith(".pyc")]


def test_a_python_that_cannot_compile_is_a_clear_error(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LAMBDA_PYTHON", str(tmp_path / "python3.13"))
    with pytest.raises(bytecode.LambdaPythonError, match=r"cannot run .*python3\.13 to compile the handlers"):
        handler_archive(PROJECT_DIR / "handlers", "confirm_order", ("checkout_domain",), "python3.13")


@pytest.mark.parametrize("python", ["/nonexistent/python3.13", "/bin/false"])
def test_a_lambda_python_that_does_not_run_is_answered_before_any_deploy(monkeypatch, python: str):
    monkeypatch.setenv("LAMBDA_PYTHON", python)
    with pytest.raises(bytecode.LambdaPythonError, match=rf"^cannot run {python} to compile the handlers: "):
        bytecode.check_lambda_python()


@pytest.mark.parametrize("python", ["", sys.executable], ids=["none", "this-python"])
def test_a_lambda_python_that_runs_or_none_passes_the_check(monkeypatch, python: str):
    monkeypatch.setenv("LAMBDA_PYTHON", python)
    bytecode.check_lambda_python()


def test_imported_by_follows_every_kind_of_import_statement(tmp_path: Path):
    sources = {
        "handler.py": "import pkg.direct\nfrom pkg import sibling\n\ndef f():\n    from pkg.lazy import x\n",
        "pkg/__init__.py": "",
        "pkg/direct.py": "from .relative import y\n",
        "pkg/sibling.py": "",
        "pkg/lazy.py": "",
        "pkg/relative.py": "import json\n",
        "pkg/unused.py": "",
    }
    files = {}
    for name, text in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
        files[name] = tmp_path / name

    assert imported_by("handler", files) == set(sources) - {"pkg/unused.py"}


def test_imported_by_holds_while_collections_run_finalizers_that_parse(collections_that_parse):
    # A test run's deploy failed this way with the scan on `ast.parse`: the scan must not build syntax trees.
    handlers = PROJECT_DIR / "handlers"
    files = {"process_payment.py": handlers / "process_payment.py"}
    files |= {path.relative_to(handlers).as_posix(): path for path in (handlers / "checkout_domain").rglob("*.py")}
    expected = imported_by("process_payment", files)
    with collections_that_parse():
        scans = [imported_by("process_payment", files) for _ in range(5)]
    assert scans == [expected] * 5
