"""Lambda code archives as AWS receives them: from a Pulumi Archive (what the program hands Lambda as `code`), or
from files written in place (the tests' tiny functions)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pulumi

# A fixed timestamp makes the zip (and so CodeSha256) depend only on the files' content.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def archive_to_zip(archive: pulumi.Archive) -> bytes:
    files: dict[str, bytes] = {}
    _collect(archive, "", files)
    return zip_files(files)


def zip_files(files: Mapping[str, bytes | str]) -> bytes:
    """A zip of ``files`` (name -> content, text as UTF-8) that depends only on them: same files, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = files[name]
            zipped.writestr(info, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def _collect(item: pulumi.Asset | pulumi.Archive, prefix: str, files: dict[str, bytes]) -> None:
    if isinstance(item, pulumi.AssetArchive):
        for name, child in item.assets.items():
            _collect(child, f"{prefix}{name}", files)
    elif isinstance(item, pulumi.FileAsset):
        files[prefix] = Path(str(item.path)).read_bytes()
    elif isinstance(item, pulumi.StringAsset):
        files[prefix] = str(item.text).encode()
    elif isinstance(item, pulumi.FileArchive):
        _collect_path(Path(str(item.path)), prefix, files)
    else:
        raise TypeError(f"cannot package {type(item).__name__} at {prefix or '<root>'}")


def _collect_path(path: Path, prefix: str, files: dict[str, bytes]) -> None:
    base = f"{prefix}/" if prefix else ""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                files[base + child.relative_to(path).as_posix()] = child.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zipped:
            for name in zipped.namelist():
                if not name.endswith("/"):
                    files[base + name] = zipped.read(name)
    else:
        raise ValueError(f"FileArchive {path} is neither a directory nor a zip file")
