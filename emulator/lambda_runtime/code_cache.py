"""Unpacks each function's code archive, exactly as deployed, into its own directory (the LAMBDA_TASK_ROOT).

One directory per function and code digest: a code update gets a fresh directory, and workers still
serving the old code keep theirs intact.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

from emulator.lambda_runtime.function_spec import FunctionSpec


class CodeCache:
    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()

    def task_root_for(self, spec: FunctionSpec) -> Path:
        target = self._root / spec.function_name / spec.code_sha256[:16]
        with self._lock:  # two cold starts of one function must not unpack into the same place at once
            if not target.is_dir():
                self._unpack(spec.code_zip, target)
        return target

    @staticmethod
    def _unpack(code_zip: bytes, target: Path) -> None:
        staging = target.with_name(target.name + ".partial")
        staging.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(io.BytesIO(code_zip)) as archive:
            archive.extractall(staging)
        # Renaming last means a crash mid-unpack never leaves a half-filled task root behind.
        os.replace(staging, target)
