"""Bytecode for Lambda's Python, compiled at deploy time and shipped in the code archives.

Lambda unpacks an archive into a read-only /var/task, where Python cannot write __pycache__: without .pyc files
in the archive, every cold start compiles our modules again (docs/performance.md has the figure). They are
compiled by the runtime's own Python (its cache tag, its bytecode) as unchecked-hash .pyc files: no timestamp
inside, so the same sources give the same archive (and no new Lambda version), and the import trusts them
without reading the source again, which an immutable archive allows. On a deploying machine without that Python
the archives carry the sources alone: they work, and their cold starts compile.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pulumi

# The same variable the Makefile uses for the handler tests' interpreter.
PYTHON_OVERRIDE = "LAMBDA_PYTHON"

_COMPILE = """
import importlib.util, json, py_compile, sys
sources, out_dir = json.loads(sys.argv[1]), sys.argv[2]
compiled = {}
for name, path in sources.items():
    cached = importlib.util.cache_from_source(name)
    py_compile.compile(path, cfile=f"{out_dir}/{cached}", dfile=name, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    compiled[cached] = f"{out_dir}/{cached}"
print(json.dumps(compiled))
"""


class LambdaPythonError(pulumi.RunError, ValueError):
    """LAMBDA_PYTHON (or the Python found) cannot compile the handlers: one line from `pulumi up` (RunError prints no
    stack trace) and from sagactl (a ValueError is a user's error there)."""


def lambda_python(runtime: str) -> str | None:
    """The interpreter of Lambda's ``runtime`` (e.g. "python3.13") on this machine, or None: LAMBDA_PYTHON as
    given, else the first that runs of pyenv's and the PATH's (a pyenv shim exists whether or not it runs)."""
    return os.environ.get(PYTHON_OVERRIDE) or _found_python(runtime)


@functools.cache
def _found_python(runtime: str) -> str | None:
    version = runtime.removeprefix("python")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [str(path) for path in sorted(pyenv.glob(f"{version}*/bin/{runtime}"))] + [shutil.which(runtime)]
    for candidate in candidates:
        if candidate is not None and _runs_as(candidate, version):
            return candidate
    return None


def check_lambda_python() -> None:
    """Raises LambdaPythonError when LAMBDA_PYTHON is set to an interpreter that does not run: the deploy would
    fail on it, so the local tools answer it before they start an emulator."""
    python = os.environ.get(PYTHON_OVERRIDE)
    if not python:
        return
    try:
        subprocess.run([python, "-c", "pass"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise _cannot_run(python, error) from None


def _cannot_run(python: str, error: Exception) -> LambdaPythonError:
    return LambdaPythonError(f"cannot run {python} to compile the handlers: {error}")


def _runs_as(python: str, version: str) -> bool:
    try:
        completed = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return False
    return completed.returncode == 0 and completed.stdout.strip() == version


def compiled_for(python: str, sources: dict[str, Path], out_dir: Path, cache_tag: str) -> dict[str, Path]:
    """{archive name of each .pyc: its file} for ``sources`` ({archive name of a .py: its file}), compiled by
    ``python`` (whose cache tag is ``cache_tag``, e.g. "cpython-313") into ``out_dir``, unless a deploy of the
    same sources left them there. Raises LambdaPythonError naming the interpreter when it cannot compile them."""
    expected = {_cached_name(name, cache_tag): out_dir / _cached_name(name, cache_tag) for name in sources}
    if all(path.is_file() for path in expected.values()):  # py_compile writes each file whole (rename)
        return expected
    try:
        completed = subprocess.run(
            [python, "-c", _COMPILE, json.dumps({name: str(path) for name, path in sources.items()}), str(out_dir)],
            capture_output=True, text=True, timeout=120, check=False,
        )
    except OSError as error:
        raise _cannot_run(python, error) from None
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise LambdaPythonError(f"{python} could not compile the handlers: {last_line}")
    return {name: Path(path) for name, path in json.loads(completed.stdout).items()}


def cache_tag(runtime: str) -> str:
    """CPython's cache tag for Lambda's ``runtime``: "python3.13" -> "cpython-313"."""
    return "cpython-" + runtime.removeprefix("python").replace(".", "")


def _cached_name(name: str, tag: str) -> str:
    """Where Python looks for the bytecode of ``name`` (importlib.util.cache_from_source, for ``tag``)."""
    directory, _, file = name.rpartition("/")
    return f"{directory + '/' if directory else ''}__pycache__/{file.removesuffix('.py')}.{tag}.pyc"
