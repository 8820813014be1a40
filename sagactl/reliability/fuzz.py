"""Bad input through both workflows: every malformed order is refused clearly, and nothing else happens.

For each input (sagactl.reliability.malformed_orders), sent concurrently in small batches through StartSyncExecution
(Express validation) and StartExecution (the Standard saga):
- an oversized input is refused at the API with ValidationException (AWS's 256 KiB input limit);
- any other ends FAILED with OrderInvalid and a Cause that lists {field, message} errors, in both workflows;
- no table gains or loses an item (checked after every batch);
and once the run is over, the handlers' logs show nothing but InvalidOrderException (no unhandled error of
any other type, no output at all from the steps after validation).

The checks assume nothing else writes to the stack meanwhile (a test stack, or `sagactl fuzz` on its own
emulator).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from devstack.clients import AwsClients
from devstack.executions import wait_for_execution
from sagactl.discovery import SagaStack
from sagactl.reliability.malformed_orders import is_oversized, malformed_orders
from sagactl.text_table import render_table

ORDER_INVALID = "OrderInvalid"
EXPECTED_ERROR_TYPE = "InvalidOrderException"
_BATCH = 8


def unhandled_error_type(message: str) -> str | None:
    """The exception class of a Lambda "uncaught error" log event, in the Text ("[ERROR] Type: ...") or the JSON
    format ({"log_level": "ERROR", "errorType": ...}); None for any other event."""
    if message.startswith("[ERROR] "):
        return message[len("[ERROR] "):].split(":", 1)[0]
    if message.startswith("{") and '"errorType"' in message:
        try:
            record = json.loads(message)
        except ValueError:
            return None
        if isinstance(record, dict) and record.get("log_level") == "ERROR":
            return str(record.get("errorType"))
    return None


@dataclass
class FuzzFigures:
    inputs: int = 0
    express_refused: int = 0
    standard_refused: int = 0
    oversized_refused_at_api: int = 0
    batches: int = 0
    duration_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "express_refused": self.express_refused,
            "standard_refused": self.standard_refused,
            "oversized_refused_at_api": self.oversized_refused_at_api,
            "batches": self.batches,
            "duration_s": round(self.duration_s, 1),
            "problems": self.problems,
        }


class BadInputProbe:
    """Sends inputs through both workflows and reports every way the outcome differs from a clean refusal."""

    def __init__(self, clients: AwsClients, stack: SagaStack) -> None:
        if stack.validation_arn is None:
            raise ValueError("the stack has no Express validation workflow to fuzz")
        self.clients, self.stack = clients, stack
        self.figures = FuzzFigures()
        self.started_ms = int(time.time() * 1000)
        self._lock = threading.Lock()

    def probe_batch(self, inputs: list[Any]) -> list[str]:
        before = self._item_counts()
        with ThreadPoolExecutor(2 * len(inputs)) as pool:
            express = list(pool.map(self._express, inputs))
            standard = list(pool.map(self._standard, inputs))
        problems = [problem for found in (*express, *standard) for problem in found]
        after = self._item_counts()
        if after != before:
            problems.append(f"the tables changed: {before} -> {after}")
        with self._lock:
            self.figures.inputs += len(inputs)
            self.figures.batches += 1
        return problems

    def log_problems(self) -> list[str]:
        """Every handler log line since the probe started that is not a clean refusal."""
        logs = self.clients.client("logs")
        problems = []
        for state, function in self.stack.step_function_names.items():
            group = f"/aws/lambda/{function}"
            for event in _log_events(logs, group, self.started_ms):
                message = event["message"]
                if state != "ValidateOrder":
                    problems.append(f"{state} ran on bad input: {message[:200]}")
                elif unhandled_error_type(message) not in (None, EXPECTED_ERROR_TYPE):
                    problems.append(f"unhandled error in ValidateOrder: {message[:300]}")
        return problems

    def _express(self, order: Any) -> list[str]:
        sfn = self.clients.stepfunctions
        try:
            response = sfn.start_sync_execution(stateMachineArn=self.stack.validation_arn, input=json.dumps(order))
        except ClientError as error:
            return self._api_refusal(order, error, "StartSyncExecution")
        if is_oversized(order):
            return [f"StartSyncExecution accepted a {len(json.dumps(order))}-byte input"]
        problems = _refusal_problems("Express", response.get("status"), response.get("error"), response.get("cause"))
        if not problems:
            with self._lock:
                self.figures.express_refused += 1
        return [f"{p} for input {_short(order)}" for p in problems]

    def _standard(self, order: Any) -> list[str]:
        sfn = self.clients.stepfunctions
        name = f"fuzz-{uuid.uuid4().hex}"
        try:
            arn = sfn.start_execution(stateMachineArn=self.stack.checkout_arn, name=name, input=json.dumps(order))[
                "executionArn"
            ]
        except ClientError as error:
            return self._api_refusal(order, error, "StartExecution")
        if is_oversized(order):
            return [f"StartExecution accepted a {len(json.dumps(order))}-byte input"]
        result = wait_for_execution(sfn, arn, timeout_s=120)
        problems = _refusal_problems("Standard", result.status, result.error, result.cause)
        if not problems:
            with self._lock:
                self.figures.standard_refused += 1
        return [f"{p} for input {_short(order)} ({name})" for p in problems]

    def _api_refusal(self, order: Any, error: ClientError, api: str) -> list[str]:
        code = error.response.get("Error", {}).get("Code")
        if is_oversized(order) and code == "ValidationException":
            with self._lock:
                self.figures.oversized_refused_at_api += 1
            return []
        return [f"{api} failed with {code}: {error} for input {_short(order)}"]

    def _item_counts(self) -> dict[str, int]:
        dynamodb = self.clients.dynamodb
        tables = self.stack.tables
        counts = {}
        for name, table in vars(tables).items():
            pages = dynamodb.get_paginator("scan").paginate(TableName=table, Select="COUNT", ConsistentRead=True)
            counts[name] = sum(page["Count"] for page in pages)
        return counts


def run_fuzz(clients: AwsClients, stack: SagaStack, examples: int, seed: int | None = None) -> FuzzFigures:
    """`examples` batches of up to 8 inputs each, drawn by hypothesis (shrunk to a minimal one on failure)."""
    probe = BadInputProbe(clients, stack)
    started = time.monotonic()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.lists(malformed_orders(), min_size=1, max_size=_BATCH))
    def refuse_cleanly(inputs: list[Any]) -> None:
        problems = probe.probe_batch(inputs)
        assert not problems, "\n".join(problems)

    test = hypothesis_seed(seed)(refuse_cleanly) if seed is not None else refuse_cleanly
    try:
        test()
    except AssertionError as failure:  # hypothesis re-raises the minimal failing batch's assertion
        probe.figures.problems.extend(str(failure).splitlines())
    probe.figures.problems.extend(probe.log_problems())
    probe.figures.duration_s = time.monotonic() - started
    return probe.figures


def render_fuzz(figures: FuzzFigures) -> str:
    rows = [
        ("inputs fuzzed", figures.inputs),
        ("refused by Express validation (OrderInvalid)", figures.express_refused),
        ("refused by the Standard saga (OrderInvalid)", figures.standard_refused),
        ("API refusals of oversized inputs (ValidationException, one per workflow)", figures.oversized_refused_at_api),
        ("problems", len(figures.problems)),
        ("duration", f"{figures.duration_s:.0f}s"),
    ]
    text = render_table(("figure", "value"), rows)
    return text + "".join(f"\nPROBLEM {p}" for p in figures.problems[:50])


def _refusal_problems(workflow: str, status: Any, error: Any, cause: Any) -> list[str]:
    if status != "FAILED" or error != ORDER_INVALID:
        return [f"{workflow}: expected FAILED/{ORDER_INVALID}, got {status}/{error}: {str(cause)[:300]}"]
    try:
        errors = json.loads(cause or "")
    except ValueError:
        return [f"{workflow}: the cause is not the JSON list of field errors: {str(cause)[:300]}"]
    well_formed = isinstance(errors, list) and errors and all(
        isinstance(e, dict) and set(e) == {"field", "message"} for e in errors
    )
    return [] if well_formed else [f"{workflow}: malformed field errors: {str(cause)[:300]}"]


def _log_events(logs: Any, group: str, start_ms: int) -> list[dict[str, Any]]:
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=start_ms)
        return [event for page in pages for event in page["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []  # never invoked: no log group yet


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 200 else f"{text[:200]}... ({len(text)} bytes)"
