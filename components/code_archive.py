"""The deployment package of one handler: its module plus the shared domain package, nothing else, with
their bytecode for Lambda's Python (components/bytecode.py).

Dependencies (powertools, pydantic) come from the powertools layer and boto3 from the runtime, so
the archive stays a few kilobytes and cold starts do not pay for unzipping libraries.
"""

from __future__ import annotations

import ast
import hashlib
import tempfile
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
    through one another, wherever the import statement stands (an import inside a function is still one)."""
    modules = {_dotted(name): name for name in files if name.endswith(".py")}
    found: set[str] = set()
    pending = [module]
    while pending:
        name = modules.get(pending.pop())
        if name is None or name in found:
            continue
        found.add(name)
        package = _dotted(name) if name.endswith("/__init__.py") else _dotted(name).rpartition(".")[0]
        for node in ast.walk(ast.parse(files[name].read_bytes(), filename=name)):
            if isinstance(node, ast.Import):
                pending += [parent for alias in node.names for parent in _with_parents(alias.name)]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                target = ".".join([*base, *([node.module] if node.module else [])])
                pending += _with_parents(target) + [f"{target}.{alias.name}" for alias in node.names]
    return found


def _dotted(name: str) -> str:
    return name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _with_parents(dotted: str) -> list[str]:
    """Importing a.b.c runs a, a.b and a.b.c."""
    parts = dotted.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]


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
