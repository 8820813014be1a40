"""Calling the deployed handlers through the Lambda Invoke API, with the events the saga would pass them."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # deploying loads the Pulumi SDK: a measurement is given its stack
    from devstack.stack import LocalStack


_REPORT = re.compile(r"REPORT RequestId: .*?Duration: ([0-9.]+) ms.*?(?:Init Duration: ([0-9.]+) ms)?\s*$", re.M)


def report_durations(logs: str) -> tuple[float | None, float | None]:
    """(Duration, Init Duration) in ms from the REPORT line, or from the platform.report record of a function
    deployed with the JSON log format (ours are)."""
    match = _REPORT.search(logs)
    if match:
        return float(match.group(1)), float(match.group(2)) if match.group(2) else None
    for line in reversed(logs.splitlines()):
        if '"platform.report"' in line:
            try:
                metrics = json.loads(line)["record"]["metrics"]
            except (ValueError, KeyError, TypeError):
                break
            init = metrics.get("initDurationMs")
            return float(metrics["durationMs"]), float(init) if init is not None else None
    return None, None


@dataclass(frozen=True)
class Invoked:
    payload: Any
    errored: bool
    client_s: float  # Invoke sent -> response received
    duration_ms: float | None  # the REPORT's Duration
    init_ms: float | None  # the REPORT's Init Duration (cold starts only)


def function_configuration(stack: LocalStack, module: str) -> dict[str, Any]:
    """GetFunctionConfiguration of a handler module's deployed function (validate_order, ...)."""
    configuration: dict[str, Any] = stack.clients.client("lambda").get_function_configuration(
        FunctionName=stack.function_name(module)
    )
    return configuration


def invoke(stack: LocalStack, module: str, event: Any) -> Invoked:
    sent = time.perf_counter()
    response = stack.clients.client("lambda").invoke(
        FunctionName=stack.function_name(module), Payload=json.dumps(event).encode(), LogType="Tail"
    )
    payload = json.loads(response["Payload"].read())
    client_s = time.perf_counter() - sent
    logs = base64.b64decode(response.get("LogResult", "")).decode(errors="replace")
    duration_ms, init_ms = report_durations(logs)
    return Invoked(
        payload=payload, errored="FunctionError" in response, client_s=client_s, duration_ms=duration_ms,
        init_ms=init_ms,
    )


class SagaEvents:
    """The event each handler receives in a happy saga for one order, produced by calling the earlier ones."""

    def __init__(self, stack: LocalStack, order: dict[str, Any]) -> None:
        self._stack = stack
        self.order = order
        self.normalized: dict[str, Any] = {}
        self.results: dict[str, Any] = {}

    def for_module(self, module: str) -> Any:
        if module == "validate_order":
            return self.order
        if not self.normalized:
            self.normalized = _ok(invoke(self._stack, "validate_order", self.order))
        return {"order": self.normalized, "results": dict(self.results)}

    def record(self, step: str, invoked: Invoked) -> None:
        self.results[step] = _ok(invoked)


def _ok(invoked: Invoked) -> Any:
    if invoked.errored:
        raise RuntimeError(f"handler failed: {invoked.payload}")
    return invoked.payload
