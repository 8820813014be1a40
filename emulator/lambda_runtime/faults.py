"""The seam for fault injection: each function's pool consults a FaultPolicy around every invocation.

Nothing injects faults yet. A policy may short-circuit an invocation (return an outcome from
``before_invoke`` without running the handler) or replace the outcome afterwards.
"""

from __future__ import annotations

from typing import Protocol

from emulator.lambda_runtime.invocation import InvocationOutcome, InvocationRequest


class FaultPolicy(Protocol):
    def before_invoke(self, request: InvocationRequest) -> InvocationOutcome | None: ...

    def after_invoke(self, request: InvocationRequest, outcome: InvocationOutcome) -> InvocationOutcome: ...


class NoFaults:
    def before_invoke(self, request: InvocationRequest) -> InvocationOutcome | None:
        return None

    def after_invoke(self, request: InvocationRequest, outcome: InvocationOutcome) -> InvocationOutcome:
        return outcome
