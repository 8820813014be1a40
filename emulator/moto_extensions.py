"""The registry of every extension of moto: the one place that installs them, and the check that moto still fits.

Each extension declares itself next to its code (``EXTENSION`` or ``EXTENSIONS`` in its module, see moto_seams):
its name, its kind (fidelity or speed-up), the moto seams it relies on and its install function. Nothing patches
moto, or the standard library, anywhere else. moto is pinned (requirements-dev.txt) because of these seams: on an
upgrade, ``check_moto_compatibility()`` fails naming each extension and module whose seams moved, and
``python -m emulator --moto-checklist`` prints every extension with its seams, the list to review.

Install order matters where two extensions wrap the same call (request-metering counts inside
dynamodb-atomic-requests' lock); it is the order of EXTENSIONS.
"""

from __future__ import annotations

import threading

import moto

from emulator import log_sink, speedups
from emulator.apigateway import app as execute_api
from emulator.control_api import app as control_api
from emulator.dynamodb import atomic_requests as dynamodb_atomic_requests
from emulator.http import guard as http_guard
from emulator.http import server as http_server
from emulator.iam import atomic_requests as iam_atomic_requests
from emulator.lambda_runtime import log_format, moto_lambda, public_layers
from emulator.metering import requests as request_metering
from emulator.moto_seams import Kind, MotoExtension
from emulator.stepfunctions import (
    branch_errors,
    definition_validation,
    error_codes,
    event_targets,
    execution_history,
    execution_logging,
    express,
    heartbeat_timeout,
    lambda_errors,
    service_calls,
    start_execution,
    status_events,
    stop_execution,
    timed_out_attempts,
    versions,
    wait_limit,
)
from emulator.stepfunctions.item_batcher import interpreter as item_batcher
from emulator.stepfunctions.jsonata import evaluation as jsonata_evaluation
from emulator.thread_safety import ast_parse, operation_models

PINNED_MOTO_VERSION = "5.2.5"

EXTENSIONS: tuple[MotoExtension, ...] = (
    *moto_lambda.EXTENSIONS,
    public_layers.EXTENSION,
    log_format.EXTENSION,
    start_execution.EXTENSION,
    versions.EXTENSION,  # after sfn-start-execution: resolves version and alias ARNs before it sees them
    execution_logging.EXTENSION,
    express.EXTENSION,
    error_codes.EXTENSION,
    lambda_errors.EXTENSION,
    heartbeat_timeout.EXTENSION,
    timed_out_attempts.EXTENSION,
    service_calls.EXTENSION,
    jsonata_evaluation.EXTENSION,
    item_batcher.EXTENSION,  # before sfn-definition-cache (a speed-up): the cache keeps the parse with batchers
    branch_errors.EXTENSION,
    execution_history.EXTENSION,
    wait_limit.EXTENSION,
    definition_validation.EXTENSION,
    stop_execution.EXTENSION,
    status_events.EXTENSION,
    event_targets.EXTENSION,
    dynamodb_atomic_requests.EXTENSION,
    iam_atomic_requests.EXTENSION,
    ast_parse.EXTENSION,
    operation_models.EXTENSION,
    request_metering.EXTENSION,
    control_api.EXTENSION,
    execute_api.EXTENSION,
    log_sink.EXTENSION,
    http_server.EXTENSION,
    http_guard.EXTENSION,
    *speedups.EXTENSIONS,
)

_install_lock = threading.Lock()
_installed = False


class MotoCompatibilityError(RuntimeError):
    """The installed moto is not the one whose internals the emulator extends."""


def install() -> None:
    """Checks compatibility, then installs every extension (a speed-up only if not switched off). Idempotent."""
    global _installed
    with _install_lock:
        if _installed:
            return
        check_moto_compatibility()
        for extension in EXTENSIONS:
            wanted = extension.kind is Kind.FIDELITY or speedups.enabled(extension.name)
            if extension.install is not None and wanted:
                extension.install()
        _installed = True


def compatibility_problems() -> list[str]:
    problems = []
    if moto.__version__ != PINNED_MOTO_VERSION:
        problems.append(f"moto {moto.__version__} is installed; the emulator extends moto {PINNED_MOTO_VERSION}")
    for extension in EXTENSIONS:
        problems.extend(f"{extension.name} ({extension.module}): {problem}" for problem in extension.problems())
    return problems


def check_moto_compatibility() -> None:
    problems = compatibility_problems()
    if problems:
        raise MotoCompatibilityError(
            "moto internals the emulator relies on have changed (python -m emulator --moto-checklist lists every "
            "extension and its seams):\n  - " + "\n  - ".join(problems)
        )


def checklist() -> str:
    """Every extension, its kind, module and purpose, and each seam it relies on: what to review on an upgrade."""
    lines = [f"moto {PINNED_MOTO_VERSION} (installed: {moto.__version__}), {len(EXTENSIONS)} extensions", ""]
    for extension in EXTENSIONS:
        patches = "patches" if extension.install is not None else "uses, patches nothing"
        lines.append(f"{extension.name}  [{extension.kind.value}; {extension.module}; {patches}]")
        lines.append(f"    {extension.purpose}")
        for seam in extension.seams:
            state = "; ".join(seam.problems()) or "ok"
            lines.append(f"    - {seam.describe()}  ({state})")
        lines.append("")
    return "\n".join(lines)
