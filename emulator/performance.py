"""The switch for the emulator's performance extensions, so that their effect can be measured (python -m bench.ab).

``EMULATOR_PERFORMANCE_EXTENSIONS=off`` in the emulator's environment leaves out what only makes it faster:
the definition and JSONPath caches, the per-item transaction rollback, the method-name cache and the
in-process Lambda invoke (moto_extensions lists them). Behaviour is the same either way; metering stays on.
"""

from __future__ import annotations

import os

SWITCH_VARIABLE = "EMULATOR_PERFORMANCE_EXTENSIONS"


def enabled() -> bool:
    return os.environ.get(SWITCH_VARIABLE, "on").strip().lower() not in ("off", "0", "false", "no")
