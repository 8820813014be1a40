"""Step Functions tests on the emulator: running one definition (the session's shared emulator process) and
reading what happened."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from devstack.emulator_process import EmulatorProcess


@dataclass(frozen=True)
class Run:
    status: str
    output: Any
    error: str | None
    cause: str | None
    events: list[dict[str, Any]]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["type"] == event_type]


RunDefinition = Callable[..., Run]


@pytest.fixture
def run_definition(emulator: EmulatorProcess, kit) -> RunDefinition:
    """Creates a Standard machine from ``definition``, runs it with ``execution_input``, waits for its end."""
    sfn = emulator.client("stepfunctions")

    def run(definition: dict[str, Any], execution_input: Any = None, timeout: float = 20) -> Run:
        machine = sfn.create_state_machine(
            name=kit.unique_name("machine"), definition=json.dumps(definition), roleArn=kit.role_arn
        )["stateMachineArn"]
        arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(execution_input or {}))["executionArn"]
        deadline = time.monotonic() + timeout
        while (description := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "execution did not finish"
            time.sleep(0.02)
        events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        output = json.loads(description["output"]) if "output" in description else None
        return Run(description["status"], output, description.get("error"), description.get("cause"), events)

    return run
