"""The JSON answers of the Step Functions calls made for every execution, written directly.

StartExecution, StartSyncExecution and DescribeExecution (what a checkout backend, an Express caller and a
poller call for each execution) answer with flat structures: strings, timestamps, numbers, booleans and small
nested structures. moto writes every answer through its generic serializer, which walks the output shape
member by member and looks each value up under several spellings of its name: ~0.1 ms for one of these
answers in isolation, ~0.2 ms under load, 7% of the emulator's CPU per Express validation.

``StepFunctionsResponses`` compiles each operation's output shape once into a plan (member name, type) and
writes the answer from it when the result is exactly a dict of those members with values of those types;
anything else (an unknown key, a value of another type, a naive datetime, an error result) returns None and
moto's serializer answers. A shape type the plan does not know (a list, a map, a blob) is refused when the
plan is built, so a service model change fails when the emulator starts, not in an answer. Equivalence with
the serializer, timestamps included, is tested (tests/emulator/test_sfn_json_responses.py).
"""

from __future__ import annotations

import calendar
import datetime
import json
from typing import Any

from emulator.speedups.direct_answers import DirectAnswers

OPERATIONS = ("StartExecution", "StartSyncExecution", "DescribeExecution")
_SCALARS = frozenset({"string", "timestamp", "boolean", "integer", "long"})

# An output shape's member names, and its members in order: (name, shape type, nested plan of a structure).
Plan = tuple[frozenset[str], tuple[tuple[str, str, Any], ...]]


class UnsupportedShape(ValueError):
    """An output shape with a member type the direct writer does not write."""


def plan_for(shape: Any) -> Plan:
    members: list[tuple[str, str, Any]] = []
    for name, member in shape.members.items():
        if member.serialization.get("name", name) != name:
            raise UnsupportedShape(f"{shape.name}.{name} is serialized under another name")
        if member.type_name == "structure":
            members.append((name, "structure", plan_for(member)))
        elif member.type_name in _SCALARS:
            members.append((name, member.type_name, None))
        else:
            raise UnsupportedShape(f"{shape.name}.{name} is a {member.type_name}")
    return frozenset(shape.members), tuple(members)


class _NotPlain(Exception):
    """A value the plan does not write exactly as the serializer would."""


def body_for(plan: Plan, result: Any) -> str | None:
    """The body moto's serializer would write for ``result``, or None to let it."""
    try:
        return json.dumps(_structure(plan, result))
    except _NotPlain:
        return None


def _structure(plan: Plan, value: Any) -> dict[str, Any]:
    names, members = plan
    if type(value) is not dict or not value.keys() <= names:
        raise _NotPlain()  # the serializer would look members up under other spellings of their names
    written: dict[str, Any] = {}
    for name, kind, nested in members:
        member = value.get(name)
        if member is not None:  # the serializer leaves out members whose value is None
            written[name] = _structure(nested, member) if kind == "structure" else _scalar(kind, member)
    return written


def _scalar(kind: str, value: Any) -> Any:
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "timestamp" and type(value) is datetime.datetime and value.utcoffset() == datetime.timedelta(0):
        return _epoch_seconds(value)
    if kind == "boolean" and type(value) is bool:
        return value
    if kind in ("integer", "long") and type(value) is int:
        return value
    raise _NotPlain()


def _epoch_seconds(value: datetime.datetime) -> int | float:
    # As the serializer writes a timestamp: seconds since the epoch, truncated to milliseconds.
    seconds = calendar.timegm(value.timetuple())
    return seconds + (value.microsecond // 1000) / 1000.0 if value.microsecond else seconds


class StepFunctionsResponses(DirectAnswers):
    """StepFunctionResponse.serialized (moto_extensions, sfn-json-responses): the direct body for OPERATIONS
    when body_for writes one, moto's serializer otherwise."""

    def __init__(self, service_model: Any, result_type: type[Any]) -> None:
        super().__init__(service_model, result_type)
        self._plans = {
            operation: plan_for(service_model.operation_model(operation).output_shape) for operation in OPERATIONS
        }

    def body(self, operation: str, result: Any) -> str | None:
        plan = self._plans.get(operation)
        return None if plan is None else body_for(plan, result)
