"""components/code_archive.py: a handler's code archive, or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.code_archive import handler_archive
from devstack.program import PROJECT_DIR


def test_archive_of_a_missing_handler_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"nope\.py"):
        handler_archive(PROJECT_DIR / "handlers", "nope", ("checkout_domain",))
    (tmp_path / "h.py").write_text("")
    with pytest.raises(FileNotFoundError, match="not a Python package"):
        handler_archive(tmp_path, "h", ("missing",))
