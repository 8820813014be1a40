"""Versions and aliases on the emulator (extension sfn-versions-and-aliases), and qualified Lambda ARNs."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.emulator_process import EmulatorProcess
from emulator.stepfunctions.versions import ROUTING_SEED_VARIABLE


def answer(value: str) -> str:
    # An object, not a bare string: moto's DescribeExecution leaves a string output unencoded (a known gap).
    result = {"version": value}
    return json.dumps({"StartAt": "Answer", "States": {"Answer": {"Type": "Pass", "Result": result, "End": True}}})


def version_run(description: dict[str, Any]) -> str:
    return str(json.loads(description["output"])["version"])


def machine_with_versions(kit, emulator: EmulatorProcess, count: int, kind: str = "STANDARD") -> tuple[str, list[str]]:
    """A machine whose version N answers "vN" (its latest definition is the last version's)."""
    sfn = emulator.client("stepfunctions")
    created = sfn.create_state_machine(
        name=kit.unique_name("versioned"), definition=answer("v1"), roleArn=kit.role_arn, publish=True, type=kind
    )
    versions = [created["stateMachineVersionArn"]]
    for number in range(2, count + 1):
        updated = sfn.update_state_machine(
            stateMachineArn=created["stateMachineArn"], definition=answer(f"v{number}"), publish=True
        )
        versions.append(updated["stateMachineVersionArn"])
    return created["stateMachineArn"], versions


def finished(emulator: EmulatorProcess, execution_arn: str) -> dict[str, Any]:
    sfn = emulator.client("stepfunctions")
    deadline = time.monotonic() + 20
    while (description := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.05)
    return dict(description)


def start(emulator: EmulatorProcess, arn: str, name: str | None = None) -> str:
    extra = {"name": name} if name else {}
    return str(emulator.client("stepfunctions").start_execution(stateMachineArn=arn, **extra)["executionArn"])


def test_a_version_arn_runs_that_versions_definition(kit, emulator: EmulatorProcess) -> None:
    machine, (first, second) = machine_with_versions(kit, emulator, 2)

    on_first = finished(emulator, start(emulator, first))
    on_machine = finished(emulator, start(emulator, machine))

    assert version_run(on_first) == "v1"
    assert on_first["stateMachineArn"] == machine and on_first["stateMachineVersionArn"] == first
    assert "stateMachineAliasArn" not in on_first
    assert version_run(on_machine) == "v2" and "stateMachineVersionArn" not in on_machine
    # The executions belong to the machine, whatever version ran them: its same-name rule, its list.
    listed = emulator.client("stepfunctions").list_executions(stateMachineArn=machine)["executions"]
    assert {e["executionArn"] for e in listed} == {on_first["executionArn"], on_machine["executionArn"]}
    name = on_first["name"]
    with pytest.raises(ClientError, match="ExecutionAlreadyExists"):
        start(emulator, second, name)


def test_an_alias_routes_by_its_weights_and_shows_in_describe_execution(kit, emulator: EmulatorProcess) -> None:
    sfn = emulator.client("stepfunctions")
    _, (first, second) = machine_with_versions(kit, emulator, 2)
    alias = sfn.create_state_machine_alias(
        name="live",
        routingConfiguration=[{"stateMachineVersionArn": second, "weight": 100}],
    )["stateMachineAliasArn"]

    on_alias = finished(emulator, start(emulator, alias))
    assert version_run(on_alias) == "v2"
    assert (on_alias["stateMachineAliasArn"], on_alias["stateMachineVersionArn"]) == (alias, second)

    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[
            {"stateMachineVersionArn": second, "weight": 50},
            {"stateMachineVersionArn": first, "weight": 50},
        ],
    )
    outputs = [version_run(finished(emulator, start(emulator, alias))) for _ in range(30)]
    assert set(outputs) == {"v1", "v2"}  # 1 in 2^29 to fail by chance


def test_start_sync_execution_runs_the_version_or_alias_it_is_given(kit, emulator: EmulatorProcess) -> None:
    sfn = emulator.client("stepfunctions")  # host prefix off: StartSyncExecution reaches the emulator
    machine, (first, second) = machine_with_versions(kit, emulator, 2, kind="EXPRESS")
    alias = sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": first, "weight": 100}]
    )["stateMachineAliasArn"]

    def run(arn: str) -> str:
        response = sfn.start_sync_execution(stateMachineArn=arn)
        assert response["status"] == "SUCCEEDED" and response["stateMachineArn"] == machine
        return version_run(response)

    assert (run(machine), run(second), run(first), run(alias)) == ("v2", "v2", "v1", "v1")
    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[{"stateMachineVersionArn": second, "weight": 50},
                              {"stateMachineVersionArn": first, "weight": 50}],
    )
    assert {run(alias) for _ in range(30)} == {"v1", "v2"}  # 1 in 2^29 to fail by chance


def test_alias_routing_is_reproducible_under_a_seed(kit) -> None:
    seeded = kit.start_emulator(extra_env={ROUTING_SEED_VARIABLE: "19"})
    try:
        sfn = seeded.client("stepfunctions")
        _, (first, second) = machine_with_versions(kit, seeded, 2)
        routing = [{"stateMachineVersionArn": second, "weight": 10}, {"stateMachineVersionArn": first, "weight": 90}]
        alias = sfn.create_state_machine_alias(name="live", routingConfiguration=routing)["stateMachineAliasArn"]

        drawn = [finished(seeded, start(seeded, alias))["stateMachineVersionArn"] for _ in range(40)]

        expected_draws = random.Random("19")
        assert drawn == [expected_draws.choices([second, first], [10, 90])[0] for _ in range(40)]
        assert 0 < drawn.count(second) < 40 / 2
    finally:
        seeded.stop()


def test_creating_a_machine_whose_name_exists_with_another_definition_is_refused(kit, emulator) -> None:
    sfn = emulator.client("stepfunctions")
    name = kit.unique_name("taken")
    arn = sfn.create_state_machine(name=name, definition=answer("v1"), roleArn=kit.role_arn)["stateMachineArn"]

    # The same request again is idempotent, as on AWS.
    again = sfn.create_state_machine(name=name, definition=answer("v1"), roleArn=kit.role_arn)
    assert again["stateMachineArn"] == arn
    with pytest.raises(ClientError) as refused:
        sfn.create_state_machine(name=name, definition=answer("v2"), roleArn=kit.role_arn)
    assert refused.value.response["Error"]["Code"] == "StateMachineAlreadyExists"
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == json.loads(answer("v1"))


ECHO_SOURCE = """
import os

def handler(event, context):
    return {"release": RELEASE, "colour": os.environ["COLOUR"]}
"""


def test_a_qualified_function_arn_runs_that_versions_code_and_environment(kit, emulator, create_function) -> None:
    lam = emulator.client("lambda")
    name = create_function("RELEASE = 1\n" + ECHO_SOURCE, environment={"COLOUR": "blue"})
    first = lam.publish_version(FunctionName=name)["Version"]
    lam.update_function_code(FunctionName=name, ZipFile=kit.zip_source({"app.py": "RELEASE = 2\n" + ECHO_SOURCE}))
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"COLOUR": "green"}})
    second = lam.publish_version(FunctionName=name)["Version"]
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]

    assert (first, second) == ("1", "2")
    assert kit.invoke(emulator, f"{arn}:1")["Payload"] == {"release": 1, "colour": "blue"}
    assert kit.invoke(emulator, name, Qualifier="2")["Payload"] == {"release": 2, "colour": "green"}
    assert kit.invoke(emulator, name)["Payload"] == {"release": 2, "colour": "green"}  # $LATEST
