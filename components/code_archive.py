"""The deployment package of one handler: its module plus the shared domain package, nothing else.

Dependencies (powertools, pydantic) come from the powertools layer and boto3 from the runtime, so
the archive stays a few kilobytes and cold starts do not pay for unzipping libraries.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

SHIPPED_SUFFIXES = (".py", ".json")


def handler_archive(handlers_dir: Path, module: str, packages: tuple[str, ...]) -> pulumi.AssetArchive:
    module_file = handlers_dir / f"{module}.py"
    if not module_file.is_file():
        raise FileNotFoundError(f"handler module {module_file} does not exist")
    assets: dict[str, pulumi.Asset | pulumi.Archive] = {module_file.name: pulumi.FileAsset(str(module_file))}
    for package in packages:
        package_dir = handlers_dir / package
        if not (package_dir / "__init__.py").is_file():
            raise FileNotFoundError(f"shared package {package_dir} is not a Python package")
        # Listed file by file (sorted) so caches and editors' droppings never change the archive hash.
        for path in sorted(package_dir.rglob("*")):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts:
                assets[path.relative_to(handlers_dir).as_posix()] = pulumi.FileAsset(str(path))
    return pulumi.AssetArchive(assets)
