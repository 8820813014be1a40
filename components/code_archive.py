"""The deployment package of one handler: its module plus the shared domain package, nothing else, with
their bytecode for Lambda's Python (components/bytecode.py).

Dependencies (powertools, pydantic) come from the powertools layer and boto3 from the runtime, so
the archive stays a few kilobytes and cold starts do not pay for unzipping libraries.
"""

from __future__ import annotations

import hashlib
import tempfile
from modulefinder import ModuleFinder
from pathlib import Path

import pulumi

from components.bytecode import cache_tag, compiled_for, lambda_python

SHIPPED_SUFFIXES = (".py", ".json")
_warned_without_bytecode: set[str] = set()


def handler_archive(
    handlers_dir: Path, module: str, packages: tuple[str, ...], runtime: str | None = None
) -> pulumi.AssetArchive:
    """The archive of ``module`` and ``packages``; with ``runtime`` (e.g. "python3.13"), also the .pyc files of
    what ``module`` imports of them, compiled by that Python when this machine has it (bytecode of modules the
    handler never imports would only make the archive bigger)."""
    module_file = handlers_dir / f"{module}.py"
    if not module_file.is_file():
        raise FileNotFoundError(f"handler module {module_file} does not exist")
    files: dict[str, Path] = {module_file.name: module_file}
    for package in packages:
        package_dir = handlers_dir / package
        if not (package_dir / "__init__.py").is_file():
            raise FileNotFoundError(f"shared package {package_dir} is not a Python package")
        # Listed file by file (sorted) so caches and editors' droppings never change the archive hash.
        for path in sorted(package_dir.rglob("*")):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts:
                files[path.relative_to(handlers_dir).as_posix()] = path
    if runtime is not None:
        files.update(_bytecode({name: files[name] for name in sorted(imported_by(module, files))}, runtime))
    return pulumi.AssetArchive({name: pulumi.FileAsset(str(path)) for name, path in files.items()})


def imported_by(module: str, files: dict[str, Path]) -> set[str]:
    """The archive names of the modules among ``files`` that ``module`` imports, itself included, directly or
    through one another, wherever the import statement stands (an import inside a function is still one).

    The standard library's ModuleFinder reads the imports from each module's bytecode. A syntax tree would do
    too, but on Python before 3.13 `ast.parse` can fail with "SystemError: AST constructor recursion depth
    mismatch" when a garbage collection mid-parse runs a finalizer that parses too (a logged traceback does)."""
    entry = files[f"{module.replace('.', '/')}.py"]
    root = entry.resolve().parents[module.count(".")]
    finder = ModuleFinder(path=[str(root)])
    finder.run_script(str(entry))
    found = {Path(file).resolve() for each in finder.modules.values() if (file := getattr(each, "__file__", None))}
    return {name for name, path in files.items() if path.resolve() in found}


def _bytecode(files: dict[str, Path], runtime: str) -> dict[str, Path]:
    python = lambda_python(runtime)
    if python is None:
        if runtime not in _warned_without_bytecode:
            _warned_without_bytecode.add(runtime)
            pulumi.log.warn(f"{runtime} not found on this machine: the handler archives ship without bytecode, "
                            f"so each cold start compiles them (set LAMBDA_PYTHON to a {runtime} interpreter)")
        return {}
    sources = {name: path for name, path in files.items() if name.endswith(".py")}
    return compiled_for(python, sources, _bytecode_dir(python, sources), cache_tag(runtime))


def _bytecode_dir(python: str, sources: dict[str, Path]) -> Path:
    """A directory of the system's temporary files named after the interpreter and the sources: a deploy of
    unchanged sources finds its bytecode there, and one of changed sources never mixes with it."""
    digest = hashlib.sha256(python.encode())
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].read_bytes() + b"\0")
    return Path(tempfile.gettempdir()) / "checkout-saga-bytecode" / digest.hexdigest()[:16]
