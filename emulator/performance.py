"""The switches for the emulator's speed-ups, so that the effect of each can be measured (python -m bench.speedups).

``EMULATOR_PERFORMANCE_EXTENSIONS=off`` in the emulator's environment leaves out every speed-up;
``EMULATOR_SPEEDUPS_OFF=name,name`` leaves out the named ones (SPEEDUPS lists the names). Behaviour is the
same either way; metering stays on.
"""

from __future__ import annotations

import os

SWITCH_VARIABLE = "EMULATOR_PERFORMANCE_EXTENSIONS"
OFF_VARIABLE = "EMULATOR_SPEEDUPS_OFF"

SPEEDUPS = (
    "sfn-definition-cache",
    "sfn-json-path-cache",
    "sfn-lambda-in-process",
    "dynamodb-transactions",
    "moto-method-names",
    "sfn-json-copy",
    "dynamodb-item-responses",
    "sfn-json-responses",
    "json-protocol-lane",
    "dynamodb-conditions-once",
    "dynamodb-update-parsed-once",
    "dynamodb-update-walks",
    "dynamodb-update-tree-copy",
    "sfn-program-inline",
    "sfn-boto-clients",
    "moto-module-list",
    "http-keep-alive",
    "http-headers",
    "express-snapshots",
    "sync-log-batches",
)


def enabled(name: str | None = None) -> bool:
    if os.environ.get(SWITCH_VARIABLE, "on").strip().lower() in ("off", "0", "false", "no"):
        return False
    if name is None:
        return True
    off = {part.strip() for part in os.environ.get(OFF_VARIABLE, "").split(",")}
    return name not in off
