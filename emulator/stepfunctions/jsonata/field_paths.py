"""Which field of a state an expression sits in, as AWS names it in a QueryEvaluationError's cause: the top-level
field, then one ``/key`` per object key (``Output/orderId``, ``Assign/total``, ``Arguments/Payload``), under
the Choice rule or Catch clause it belongs to (``Choices[0]/Condition``, ``Catch[1]/Output``).

moto only remembers the innermost component's name (``env.next_field_name``), a class name for most. The field
components below push their segment while they evaluate; the path is per thread, as moto runs each Parallel
branch and Map iteration on its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser.asl.component.common.assign.assign_decl import AssignDecl
from moto.stepfunctions.parser.asl.component.common.assign.assign_template_binding import AssignTemplateBinding
from moto.stepfunctions.parser.asl.component.common.catch.catch_decl import CatchDecl
from moto.stepfunctions.parser.asl.component.common.catch.catcher_decl import CatcherDecl
from moto.stepfunctions.parser.asl.component.common.jsonata.jsonata_template_binding import JSONataTemplateBinding
from moto.stepfunctions.parser.asl.component.common.outputdecl import Output
from moto.stepfunctions.parser.asl.component.common.parargs import (
    ArgumentsJSONataTemplateValueObject,
    ArgumentsStringJSONata,
)
from moto.stepfunctions.parser.asl.component.common.timeouts.heartbeat import HeartbeatSecondsJSONata
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSecondsJSONata
from moto.stepfunctions.parser.asl.component.state.choice.choice_rule import ChoiceRule
from moto.stepfunctions.parser.asl.component.state.choice.choices_decl import ChoicesDecl
from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison import ConditionStringJSONata
from moto.stepfunctions.parser.asl.component.state.exec.state_map.item_selector import ItemSelector
from moto.stepfunctions.parser.asl.component.state.exec.state_map.items.items import ItemsJSONata
from moto.stepfunctions.parser.asl.component.state.exec.state_map.max_concurrency import MaxConcurrencyJSONata
from moto.stepfunctions.parser.asl.component.state.fail.cause_decl import Cause
from moto.stepfunctions.parser.asl.component.state.fail.error_decl import Error
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.seconds import SecondsJSONata

from emulator.moto_seams import Seam, SetsAttributes, Signature, around

FIELDS: dict[type, str] = {
    Output: "Output",
    ArgumentsJSONataTemplateValueObject: "Arguments",
    ArgumentsStringJSONata: "Arguments",
    AssignDecl: "Assign",
    ItemsJSONata: "Items",
    ItemSelector: "ItemSelector",
    ConditionStringJSONata: "Condition",
    TimeoutSecondsJSONata: "TimeoutSeconds",
    HeartbeatSecondsJSONata: "HeartbeatSeconds",
    SecondsJSONata: "Seconds",
    MaxConcurrencyJSONata: "MaxConcurrency",
    Error: "Error",
    Cause: "Cause",
}
KEYED: tuple[type, ...] = (JSONataTemplateBinding, AssignTemplateBinding)
# A rule or clause knows its position from its list's constructor (moto does not keep it).
INDEXED: dict[type, tuple[type, str, str]] = {
    ChoiceRule: (ChoicesDecl, "rules", "Choices"),
    CatcherDecl: (CatchDecl, "catchers", "Catch"),
}
_INDEX = "_emulator_field_index"

_path = threading.local()


def is_output(path: str) -> bool:
    """A state's, a Choice rule's or a Catch clause's Output (not a variable or key named Output)."""
    segments = path.split("/")
    field = segments[1] if segments[0].startswith(("Choices[", "Catch[")) and len(segments) > 1 else segments[0]
    return field == "Output"


def current_path() -> str | None:
    segments = getattr(_path, "segments", None)
    return "/".join(segments) if segments else None


def _tracked(segment_of: Callable[[Any], str]) -> Callable[..., Any]:
    def evaluate(original: Callable[..., Any], self: Any, env: Any) -> Any:
        segments = _path.__dict__.setdefault("segments", [])
        segments.append(segment_of(self))
        try:
            return original(self, env)
        finally:
            segments.pop()

    return evaluate


def install() -> None:
    for component, field in FIELDS.items():
        around(component, "eval", _tracked(_constant(field)))
    for component in KEYED:
        around(component, "eval", _tracked(_identifier))
    for component, (container, attribute, field) in INDEXED.items():
        around(container, "__init__", _numbering(attribute))
        around(component, "eval", _tracked(_indexed(field)))


def _numbering(attribute: str) -> Callable[..., None]:
    def construct(original: Callable[..., None], self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for index, item in enumerate(getattr(self, attribute)):
            setattr(item, _INDEX, index)

    return construct


def _indexed(field: str) -> Callable[[Any], str]:
    return lambda component: f"{field}[{getattr(component, _INDEX, 0)}]"


def _constant(field: str) -> Callable[[Any], str]:
    return lambda _component: field


def _identifier(component: Any) -> str:
    return str(component.identifier)


SEAMS: tuple[Seam, ...] = (
    *(Signature(component, "eval", ("self", "env")) for component in (*FIELDS, *KEYED, *INDEXED)),
    Signature(ChoicesDecl, "__init__", ("self", "rules")),
    Signature(CatchDecl, "__init__", ("self", "catchers")),
    SetsAttributes(ChoicesDecl, "__init__", ("rules",)),
    SetsAttributes(CatchDecl, "__init__", ("catchers",)),
    SetsAttributes(JSONataTemplateBinding, "__init__", ("identifier",)),
    SetsAttributes(AssignTemplateBinding, "__init__", ("identifier",)),
)
