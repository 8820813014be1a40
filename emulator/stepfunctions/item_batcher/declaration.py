"""A Map state's ItemBatcher, taken out of a definition before moto's parser sees it (moto's ASL grammar has no
ItemBatcher), and checked as AWS documents it. Pure: no moto.

AWS ("ItemBatcher (Map)", Step Functions developer guide): a field of a Distributed Map; at least one of
MaxItemsPerBatch and MaxInputBytesPerBatch, each a positive integer, or its Path form (a reference path, JSONPath
only), never both forms; in JSONata, MaxItemsPerBatch/MaxInputBytesPerBatch may be ``{% %}`` expressions and
BatchInput an expression or a template holding expressions; in JSONPath, BatchInput is a payload template.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

LIMITS = ("MaxItemsPerBatch", "MaxInputBytesPerBatch")
PATHS = {"MaxItemsPerBatch": "MaxItemsPerBatchPath", "MaxInputBytesPerBatch": "MaxInputBytesPerBatchPath"}
FIELDS = (*LIMITS, *PATHS.values(), "BatchInput")


class ItemBatcherDefinitionError(ValueError):
    """An ItemBatcher AWS would refuse at CreateStateMachine; the message is one line naming the Map state."""


@dataclass(frozen=True)
class BatcherDeclaration:
    state_name: str
    query_language: str  # the Map state's: "JSONPath" or "JSONata"
    fields: dict[str, Any]

    def evaluation_definition(self) -> str:
        """A one-Pass-state definition whose template, ``{"ItemBatcher": {...}}``, evaluates the batcher's fields
        as AWS does, by moto's own components (paths, intrinsics, expressions): as Parameters in JSONPath (a Path
        field becomes a ``.$`` key), as Output in JSONata (so a cause names the field ``ItemBatcher/...``)."""
        if self.query_language == "JSONata":
            state: dict[str, Any] = {"Output": {"ItemBatcher": self.fields}}
        else:
            template = {field: value for field, value in self.fields.items() if field not in PATHS.values()}
            template.update({f"{limit}.$": self.fields[path] for limit, path in PATHS.items() if path in self.fields})
            state = {"Parameters": {"ItemBatcher": template}}
        return json.dumps({"QueryLanguage": self.query_language, "StartAt": "ItemBatcher",
                           "States": {"ItemBatcher": {"Type": "Pass", **state, "End": True}}})


def take_out_item_batchers(definition_text: str) -> tuple[str, dict[str, BatcherDeclaration]]:
    """The definition without its ItemBatcher fields, and each one by its Map state's name (state names are unique
    in a whole state machine). Text that is not a JSON object is returned as it is, for moto to report."""
    if "ItemBatcher" not in definition_text:
        return definition_text, {}
    try:
        definition = json.loads(definition_text)
    except ValueError:
        return definition_text, {}
    if not isinstance(definition, dict):
        return definition_text, {}
    declarations: dict[str, BatcherDeclaration] = {}
    for declaration in _take_out(definition, "JSONPath"):
        if declaration.state_name in declarations:
            raise ItemBatcherDefinitionError(f"Map state name '{declaration.state_name}' is used more than once")
        declarations[declaration.state_name] = declaration
    if not declarations:
        return definition_text, {}
    return json.dumps(definition, ensure_ascii=False), declarations


def lintable(definition: dict[str, Any]) -> dict[str, Any]:
    """A copy statelint can lint: it knows ItemBatcher but not JSONata, and refuses a ``{% %}`` limit."""
    copy = json.loads(json.dumps(definition))
    for state in _map_states(copy):
        batcher = state.get("ItemBatcher")
        if isinstance(batcher, dict):
            for limit in LIMITS:
                if _is_expression(batcher.get(limit)):
                    batcher[limit] = 1
    return copy


def _map_states(machine: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for state in (machine.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Map":
            yield state
        for nested in _nested_machines(state):
            yield from _map_states(nested)


def _nested_machines(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for field in ("Iterator", "ItemProcessor"):
        if isinstance(state.get(field), dict):
            yield state[field]
    branches = state.get("Branches")
    if isinstance(branches, list):
        yield from (branch for branch in branches if isinstance(branch, dict))


def _take_out(machine: dict[str, Any], inherited: str) -> Iterator[BatcherDeclaration]:
    language = machine.get("QueryLanguage", inherited)
    for name, state in (machine.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        state_language = state.get("QueryLanguage", language)
        if state.get("Type") == "Map" and "ItemBatcher" in state:
            batcher = state.pop("ItemBatcher")
            _check(name, state, batcher, state_language)
            yield BatcherDeclaration(name, state_language, batcher)
        for nested in _nested_machines(state):
            yield from _take_out(nested, state_language)


def _check(name: str, state: dict[str, Any], batcher: Any, language: str) -> None:
    def refuse(problem: str) -> ItemBatcherDefinitionError:
        return ItemBatcherDefinitionError(f"ItemBatcher of Map state '{name}': {problem}")

    if not isinstance(batcher, dict):
        raise refuse("must be a JSON object")
    unknown = sorted(set(batcher) - set(FIELDS))
    if unknown:
        raise refuse(f"unknown field(s) {', '.join(unknown)}")
    processor = state.get("ItemProcessor") or state.get("Iterator") or {}
    if ((processor.get("ProcessorConfig") or {}).get("Mode")) != "DISTRIBUTED":
        raise refuse("only a Distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED) batches items")
    if not any(field in batcher for field in (*LIMITS, *PATHS.values())):
        raise refuse("needs MaxItemsPerBatch or MaxInputBytesPerBatch (or, in JSONPath, their Path form)")
    for limit, path in PATHS.items():
        if path in batcher and language == "JSONata":
            raise refuse(f"{path} is JSONPath only: in JSONata, give {limit} an expression")
        if limit in batcher and path in batcher:
            raise refuse(f"give {limit} or {path}, not both")
        if path in batcher and not (isinstance(batcher[path], str) and batcher[path].startswith("$")):
            raise refuse(f"{path} must be a reference path starting with '$'")
        value = batcher.get(limit)
        if limit in batcher and not (_is_positive_integer(value) or (language == "JSONata" and _is_expression(value))):
            raise refuse(f"{limit} must be a positive integer" + (" or a JSONata expression" * (language == "JSONata")))
    if "BatchInput" in batcher and language == "JSONPath" and not isinstance(batcher["BatchInput"], dict):
        raise refuse("BatchInput must be a JSON object")


def _is_positive_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")
