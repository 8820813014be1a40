"""sagactl: operator tooling for the checkout saga, on AWS or on the embedded emulator.

    local/        serve, demo: the stack on the embedded emulator
    audit/        executions, trace: where a saga succeeded, failed and rolled back
    reliability/  faults, check, chaos, recover, fuzz: the saga's invariants under faults and bad input
    cost/         cost: the AWS bill, from behaviour measured on the emulator

Every command's answer goes to stdout; progress and errors go to stderr (errors as one line, see errors.py).
"""

from __future__ import annotations

import sys


def progress(message: str) -> None:
    """What a long command is doing, on stderr: stdout stays the command's answer."""
    print(message, file=sys.stderr, flush=True)
