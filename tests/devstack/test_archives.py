"""Code archives as AWS receives them: the same files always make the same zip (and so the same CodeSha256)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pulumi

from devstack.archives import archive_to_zip


def names_and_contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_nested_archives_and_assets_are_flattened_under_their_names(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "module.py").write_text("X = 1\n")
    archive = pulumi.AssetArchive({
        "handler.py": pulumi.StringAsset("def handler(e, c): return 1\n"),
        "lib": pulumi.FileArchive(str(tmp_path)),
    })

    assert names_and_contents(archive_to_zip(archive)) == {
        "handler.py": b"def handler(e, c): return 1\n",
        "lib/pkg/module.py": b"X = 1\n",
    }


def test_the_same_files_make_the_same_bytes_whenever_they_are_packed(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text("print('hi')\n")
    first = archive_to_zip(pulumi.AssetArchive({"app.py": pulumi.FileAsset(str(source))}))
    source.touch()  # a newer modification time must not change the archive

    assert archive_to_zip(pulumi.AssetArchive({"app.py": pulumi.FileAsset(str(source))})) == first
