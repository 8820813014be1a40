"""State machine versions and aliases as AWS runs them (extension sfn-versions-and-aliases).

moto keeps versions (``publish``) and aliases with their routing, but StartExecution on a version ARN fails inside
moto (a version has no executions of its own) and on an alias ARN answers StateMachineDoesNotExist. Here:
- StartExecution on ``...:stateMachine:<name>:<version>`` runs that version's definition and configuration;
- on ``...:stateMachine:<name>:<alias>`` it first draws one of the alias's versions by the routing weights. The
  draws come from one generator, seeded by ``EMULATOR_ALIAS_ROUTING_SEED`` when set: a test's split is repeatable;
- the execution belongs to the state machine (its ARN, its same-name rule, ListExecutions), as on AWS, and
  DescribeExecution adds ``stateMachineVersionArn`` and, through an alias, ``stateMachineAliasArn``;
- CreateStateMachine with the name of an existing machine but another definition, role or type answers AWS's
  ``StateMachineAlreadyExists`` (moto answered the existing ARN and kept the old definition silently).
- ListStateMachineVersions answers (moto has no such action), newest first.
StartSyncExecution (extension sfn-start-sync) resolves version and alias ARNs the same way (`machine_to_run`).
"""

from __future__ import annotations

import copy
import os
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions import models as sfn_models
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser import models as parser_models

from emulator.moto_seams import Holds, Kind, MotoExtension, SetsAttributes, Signature, SourceLine, around

ROUTING_SEED_VARIABLE = "EMULATOR_ALIAS_ROUTING_SEED"
# What a version runs with, copied from it onto the snapshot of the machine that an execution takes.
VERSIONED_ATTRIBUTES = ("definition", "roleArn", "type", "loggingConfiguration", "tracingConfiguration",
                        "encryptionConfiguration")


class StateMachineAlreadyExists(AWSError):
    TYPE = "StateMachineAlreadyExists"
    STATUS = 400


_routing = random.Random(os.environ.get(ROUTING_SEED_VARIABLE))
_routing_lock = threading.Lock()
_started_through: dict[str, dict[str, str]] = {}  # execution ARN -> its version (and alias) ARN
_substitute = threading.local()  # (machine ARN, the machine as the version defines it) while a start runs


def qualifier_of(arn: str) -> str | None:
    """The version number or alias name that qualifies a state machine ARN, or None for the machine's own."""
    parts = arn.split(":")
    return parts[7] if len(parts) == 8 and parts[5] == "stateMachine" else None


def draw_version(routing: list[dict[str, Any]]) -> str:
    """One version ARN of an alias's routing configuration, drawn by weight."""
    with _routing_lock:
        (drawn,) = _routing.choices(
            [route["stateMachineVersionArn"] for route in routing], [int(route["weight"]) for route in routing]
        )
    return str(drawn)


def as_version(machine: Any, version: Any) -> Any:
    """A copy of `machine` carrying `version`'s definition and configuration. The copy shares the machine's
    executions, so the same-name rule and ListExecutions see every execution of the machine, whatever version."""
    substitute = copy.copy(machine)
    for attribute in VERSIONED_ATTRIBUTES:
        setattr(substitute, attribute, getattr(version, attribute))
    return substitute


def resolve(backend: Any, state_machine_arn: str) -> tuple[str, dict[str, str]]:
    """The machine's own ARN, and the version (and alias) a start on `state_machine_arn` runs: {} for the machine's
    own ARN; a version ARN names its version; an alias ARN draws one of its versions by the routing weights."""
    qualifier = qualifier_of(state_machine_arn)
    if qualifier is None:
        return state_machine_arn, {}
    started_through = {}
    if qualifier.isdigit():
        version_arn = state_machine_arn
    else:
        alias = backend.describe_state_machine_alias(state_machine_arn)
        version_arn = draw_version(alias.routing_configuration)
        started_through["stateMachineAliasArn"] = state_machine_arn
    started_through["stateMachineVersionArn"] = version_arn
    return state_machine_arn.rsplit(":", 1)[0], started_through


def machine_to_run(backend: Any, state_machine_arn: str) -> Any:
    """The machine a start on `state_machine_arn` runs: the machine itself, or a copy carrying its resolved
    version's definition."""
    machine_arn, started_through = resolve(backend, state_machine_arn)
    machine = backend.describe_state_machine(machine_arn)
    if not started_through:
        return machine
    return as_version(machine, backend.describe_state_machine(started_through["stateMachineVersionArn"]))


@contextmanager
def _as_version(machine: Any, version: Any) -> Iterator[None]:
    # moto's start_execution describes the machine by ARN and runs a deep copy of it: while this start runs, that
    # lookup answers a copy carrying the version's definition.
    _substitute.value = (machine.arn, as_version(machine, version))
    try:
        yield
    finally:
        _substitute.value = None


def start_execution(
    original: Callable[..., Any],
    backend: Any,
    state_machine_arn: str,
    name: str | None = None,
    execution_input: str | None = None,
    trace_header: str | None = None,
) -> Any:
    machine_arn, started_through = resolve(backend, state_machine_arn)
    if not started_through:
        return original(backend, state_machine_arn, name, execution_input, trace_header)
    version = backend.describe_state_machine(started_through["stateMachineVersionArn"])
    with _as_version(backend.describe_state_machine(machine_arn), version):
        execution = original(backend, machine_arn, name, execution_input, trace_header)
    _started_through.setdefault(execution.exec_arn, started_through)
    return execution


def describe_state_machine(original: Callable[..., Any], backend: Any, arn: str) -> Any:
    substitute = getattr(_substitute, "value", None)
    if substitute is not None and substitute[0] == arn:
        return substitute[1]
    return original(backend, arn)


def describe_execution(original: Callable[..., ActionResult], response: Any) -> ActionResult:
    result = original(response)
    started_through = _started_through.get(response._get_param("executionArn"))
    if started_through and isinstance(result.result, dict):
        result.result.update(started_through)
    return result


def create_state_machine(original: Callable[..., Any], backend: Any, name: str, definition: str, roleArn: str,
                         *args: Any, **kwargs: Any) -> Any:
    existing = next((machine for machine in backend.state_machines if machine.name == name), None)
    wanted_type = kwargs.get("sm_type") or "STANDARD"
    if existing is not None and (existing.definition, existing.roleArn, existing.type) != (
        definition, roleArn, wanted_type
    ):
        raise StateMachineAlreadyExists(f"State Machine Already Exists: '{existing.arn}'")
    return original(backend, name, definition, roleArn, *args, **kwargs)


def list_state_machine_versions_action(response: Any) -> ActionResult:
    """The ListStateMachineVersions action of moto's StepFunctionResponse (moto answers 404 without it)."""
    machine = response.stepfunction_backend.describe_state_machine(response._get_param("stateMachineArn"))
    versions = sorted(machine.versions.values(), key=lambda version: -version.version)
    return ActionResult({
        "stateMachineVersions": [
            {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date} for version in versions
        ]
    })


def _install() -> None:
    # moto dispatches a JSON action to the response method of the same snake_case name.
    sfn_responses.StepFunctionResponse.list_state_machine_versions = (  # type: ignore[attr-defined]
        list_state_machine_versions_action
    )
    around(parser_models.StepFunctionsParserBackend, "start_execution", start_execution)
    around(sfn_models.StepFunctionBackend, "describe_state_machine", describe_state_machine)
    around(sfn_responses.StepFunctionResponse, "describe_execution", describe_execution)
    around(sfn_models.StepFunctionBackend, "create_state_machine", create_state_machine)


EXTENSION = MotoExtension(
    name="sfn-versions-and-aliases",
    kind=Kind.FIDELITY,
    purpose="StartExecution on version and alias ARNs (weighted, seedable), their ARNs in DescribeExecution, "
    "ListStateMachineVersions, StateMachineAlreadyExists",
    module=__name__,
    seams=(
        Signature(parser_models.StepFunctionsParserBackend, "start_execution",
                  ("self", "state_machine_arn", "name", "execution_input", "trace_header")),
        SourceLine(parser_models.StepFunctionsParserBackend, "start_execution",
                   "state_machine = self.describe_state_machine(state_machine_arn)"),
        SourceLine(parser_models.StepFunctionsParserBackend, "start_execution", "state_machine_clone = copy.deepcopy("),
        Signature(sfn_models.StepFunctionBackend, "describe_state_machine", ("self", "arn")),
        Signature(sfn_models.StepFunctionBackend, "describe_state_machine_alias", ("self", "arn")),
        Signature(sfn_responses.StepFunctionResponse, "describe_execution", ("self",)),
        Signature(sfn_models.StepFunctionBackend, "create_state_machine",
                  ("self", "name", "definition", "roleArn", "tags", "publish", "loggingConfiguration",
                   "tracingConfiguration", "encryptionConfiguration", "version_description", "sm_type")),
        SetsAttributes(sfn_models.StateMachineAlias, "__init__", ("routing_configuration",)),
        SetsAttributes(sfn_models.StateMachine, "__init__", ("versions",)),
        SetsAttributes(sfn_models.StateMachineVersion, "__init__", ("version",)),
        Holds("StepFunctionResponse has no list_state_machine_versions of its own",
              lambda: getattr(sfn_responses.StepFunctionResponse, "list_state_machine_versions", None)
              in (None, list_state_machine_versions_action)),
        SetsAttributes(sfn_models.StateMachineInstance, "__init__", VERSIONED_ATTRIBUTES),
    ),
    install=_install,
)
