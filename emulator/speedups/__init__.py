"""Speed-ups: extensions of moto that change no behaviour and only make the emulator cheaper to run.

Each is kept because it buys at least a tenth of what a developer feels (one saga's latency, `make demo`,
`make test`), measured side by side with and without it (python -m bench.speedups; docs/performance.md).
``EMULATOR_SPEEDUPS=off`` in the emulator's environment leaves them all out, ``EMULATOR_SPEEDUPS_OFF=a,b`` the
named ones: behaviour is the same either way.
"""

from __future__ import annotations

import os

from emulator.moto_seams import MotoExtension

ALL_VARIABLE = "EMULATOR_SPEEDUPS"
OFF_VARIABLE = "EMULATOR_SPEEDUPS_OFF"


def enabled(name: str) -> bool:
    if os.environ.get(ALL_VARIABLE, "on").strip().lower() in ("off", "0", "false", "no"):
        return False
    return name not in {part.strip() for part in os.environ.get(OFF_VARIABLE, "").split(",")}


def _declared() -> tuple[MotoExtension, ...]:
    # Installed in this order: the in-process Lambda client wraps the clients the interpreter reuses.
    from emulator.speedups import (
        definition_cache,
        dynamodb_expressions,
        json_path_cache,
        lambda_in_process,
        method_names,
        module_list,
        service_clients,
        transaction_rollback,
        update_expression_cache,
    )

    return (
        definition_cache.EXTENSION,
        json_path_cache.EXTENSION,
        service_clients.EXTENSION,
        lambda_in_process.EXTENSION,
        update_expression_cache.EXTENSION,
        transaction_rollback.EXTENSION,
        dynamodb_expressions.EXTENSION,
        method_names.EXTENSION,
        module_list.EXTENSION,
    )


EXTENSIONS: tuple[MotoExtension, ...] = _declared()
