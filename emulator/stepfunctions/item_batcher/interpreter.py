"""ItemBatcher in moto's interpreter (extension sfn-item-batcher; moto's ASL grammar has no ItemBatcher).

The parse takes each Map state's ItemBatcher out of the definition text before moto's parser reads it
(declaration.py), parses the rest as moto does, and binds the batcher to the Map's iteration component. moto
stores the definition as written: Describe and the versions show the ItemBatcher. The definition cache keeps the
bound program per text, so a definition's batchers are read once.

A Distributed Map run with a batcher then does, in AWS's order: the items (ItemsPath/Items or ItemReader), the
ItemSelector on each item (its ``$$.Map.Item`` the item and its index), the batcher's fields evaluated against the
Map state's input (Path fields and BatchInput's ``.$`` keys as JSONPath, ``{% %}`` fields as JSONata), the batches
(batches.py), one child execution per batch. The Map's result is the list of the child executions' outputs. A limit
that is not a positive integer at run time fails the state with States.Runtime (AWS documents the rule, not the
error).
"""

from __future__ import annotations

import weakref
from typing import Any

from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.asl.antlr.runtime.ASLLexer import ASLLexer
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.common.outputdecl import Output
from moto.stepfunctions.parser.asl.component.common.parargs import Parargs
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.program.states import States
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.distributed_iteration_component import (
    DistributedIterationComponent,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.inline_iteration_component import (
    InlineIterationComponentEvalInput,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor.inline_item_processor_worker import (  # noqa: E501
    InlineItemProcessorWorker,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.state_map import StateMap
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.asl.component.state.state_pass.state_pass import StatePass
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.eval.states import ItemData, MapData
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from emulator.moto_seams import Holds, Kind, MotoExtension, SetsAttributes, Signature, SourceLine, around, patch
from emulator.stepfunctions.item_batcher.batches import BatchingError, child_inputs
from emulator.stepfunctions.item_batcher.declaration import BatcherDeclaration, take_out_item_batchers

# A Distributed Map's iteration component -> the component evaluating its batcher's fields (a JSONPath payload
# template or a JSONata template). Weak: a program parsed again (speed-ups off) does not keep old ones alive.
_BATCHERS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_COMPONENTS_PACKAGE = "moto.stepfunctions.parser.asl.component"


def _parse_with_item_batchers(original_parse: Any) -> staticmethod[[str], tuple[Any, Any]]:
    def parse(definition: str) -> tuple[Any, Any]:
        definition_without_batchers, declarations = take_out_item_batchers(definition)
        program, tree = original_parse(definition_without_batchers)
        if declarations:
            templates = {name: _fields_template(original_parse, declaration)
                         for name, declaration in declarations.items()}
            for state in _map_states(program):
                if state.name in templates:
                    _BATCHERS[state.iteration_component] = templates[state.name]
        return program, tree

    return staticmethod(parse)


def _fields_template(original_parse: Any, declaration: BatcherDeclaration) -> Any:
    program, _ = original_parse(declaration.evaluation_definition())
    state = program.states.states["ItemBatcher"]
    if declaration.query_language == "JSONata":
        return state.output.jsonata_template_value
    return state.parameters.template_eval_component


def _map_states(program: Any) -> list[Any]:
    """Every Map state reachable from ``program``, nested ones included (moto's components, their attributes)."""
    found, seen, pending = [], set(), [program]
    while pending:
        value = pending.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)
        elif type(value).__module__.startswith(_COMPONENTS_PACKAGE) and hasattr(value, "__dict__"):
            if isinstance(value, StateMap):
                found.append(value)
            pending.extend(vars(value).values())
    return found


def _map_run_in_batches(original: Any, self: Any, env: Environment, eval_input: Any) -> None:
    fields_template = _BATCHERS.get(self)
    if fields_template is None:
        original(self, env, eval_input)
        return
    items = env.stack.pop()
    state_input = env.stack[-1] if env.stack else env.states.get_input()
    selected = _selected_items(env, eval_input, items, state_input)
    try:
        inputs = child_inputs(selected, _evaluated_fields(env, fields_template, state_input))
    except BatchingError as error:
        raise _runtime_failure(env, str(error)) from None
    # The ItemSelector was applied to each item, before batching, as AWS orders it: the children get the batches.
    eval_input.item_selector = None
    eval_input.parameters = None
    env.stack.append(inputs)
    original(self, env, eval_input)


def _selected_items(env: Environment, eval_input: Any, items: list[Any], state_input: Any) -> list[Any]:
    """The ItemSelector (or legacy Parameters) of each item, evaluated as moto's Map workers evaluate it."""
    selector = eval_input.item_selector or eval_input.parameters
    if selector is None:
        return items
    selected = []
    for index, item in enumerate(items):
        frame = env.open_inner_frame()
        try:
            frame.states.context_object.context_object_data["Map"] = MapData(Item=ItemData(Index=index, Value=item))
            frame.states.reset(input_value=state_input)
            frame.stack.append(state_input)
            selector.eval(frame)
            selected.append(frame.stack.pop())
        finally:
            env.delete_frame(frame)
    return selected


def _evaluated_fields(env: Environment, fields_template: Any, state_input: Any) -> dict[str, Any]:
    env.stack.append(state_input)
    try:
        fields_template.eval(env)
        fields = env.stack.pop()
    finally:
        env.stack.pop()
    batcher_fields: dict[str, Any] = fields["ItemBatcher"]
    return batcher_fields


def _runtime_failure(env: Environment, cause: str) -> FailureEventException:
    error = StatesErrorNameType.StatesRuntime
    return FailureEventException(failure_event=FailureEvent(
        env=env,
        error_name=StatesErrorName(typ=error),
        event_type=HistoryEventType.MapRunFailed,
        event_details=EventDetails(executionFailedEventDetails=ExecutionFailedEventDetails(  # type: ignore[typeddict-item]
            error=error.to_name(), cause=cause)),
    ))


def _install() -> None:
    patch(AmazonStateLanguageParser, "parse", _parse_with_item_batchers)
    around(DistributedIterationComponent, "_map_run", _map_run_in_batches)


EXTENSION = MotoExtension(
    name="sfn-item-batcher",
    kind=Kind.FIDELITY,
    purpose="ItemBatcher of Distributed Map states: items cut into batches with BatchInput, JSONPath and JSONata",
    module=__name__,
    seams=(
        Holds("moto's ASL grammar has no ItemBatcher (if it gains one, this extension may go)",
              lambda: not hasattr(ASLLexer, "ITEMBATCHER")),
        Signature(AmazonStateLanguageParser, "parse", ("definition",)),
        Signature(DistributedIterationComponent, "_map_run", ("self", "env", "eval_input")),
        SourceLine(DistributedIterationComponent, "_map_run", "input_items: list[json] = env.stack.pop()"),
        SetsAttributes(StateMap, "from_state_props", ("iteration_component",)),
        SetsAttributes(InlineIterationComponentEvalInput, "__init__", ("parameters", "item_selector")),
        SourceLine(InlineItemProcessorWorker, "_eval_input", "map_state_input = self._env.stack[-1]"),
        Signature(Environment, "open_inner_frame", ("self", "event_history_context")),
        Signature(Environment, "delete_frame", ("self", "frame")),
        SetsAttributes(Program, "__init__", ("states",)),
        SetsAttributes(States, "__init__", ("states",)),
        SetsAttributes(StatePass, "from_state_props", ("parameters",)),
        SetsAttributes(CommonStateField, "from_state_props", ("name", "output")),
        SetsAttributes(Output, "__init__", ("jsonata_template_value",)),
        SetsAttributes(Parargs, "__init__", ("template_eval_component",)),
    ),
    install=_install,
)
