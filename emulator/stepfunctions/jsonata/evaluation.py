"""JSONata and Variables in moto's Step Functions interpreter (extension sfn-jsonata).

moto carries its interpreter's whole JSONata machinery (QueryLanguage, Arguments, Output, Assign, Condition,
Items, $states, variable scopes) with the evaluator stubbed out, so every ``{% %}`` expression and every
variable read failed with States.Runtime. This extension gives it an engine (engine.py) at the two places
expressions are evaluated, and fixes what moto got wrong around them:

- ``{% expr %}`` fields: evaluated with ``$states`` (input, context, result, errorOutput) and the variables in
  scope as bindings; an expression that throws or returns nothing fails the state with
  States.QueryEvaluationError and AWS's cause ("The JSONata expression '...' specified for the field '...'
  threw an error during evaluation. <message>" / "... returned nothing (undefined).").
- ``$variable`` in JSONPath fields (``"x.$": "$order.id"``): the variable, then the rest of the path as JSONPath.
- Assign: AWS's size limits (one variable, one Assign, all variables of an execution); a state's Output sees
  the variables as they were before its own Assign.
- Numbers are JSONata's doubles: an integer of the input beyond 64 bits (which jsonatapy refuses with an
  OverflowError, a States.Runtime failure) is read as JavaScript reads it (``10**30`` as ``1e+30``).
- The history's ``assignedVariables`` hold each value as JSON (moto quoted strings without escaping them).
- String literals of a definition (an Assign or Output value, a Result, a Cause) are JSON strings: moto kept
  their escapes (``say \\"hi\\"`` for ``say "hi"``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonpath_ng.ext import parse as jsonpath_parse
from moto.stepfunctions.parser.api import EvaluationFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.asl.antlr.runtime.ASLLexer import ASLLexer
from moto.stepfunctions.parser.asl.antlt4utils.antlr4utils import is_terminal
from moto.stepfunctions.parser.asl.component.common.assign.assign_decl import AssignDecl
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.common.query_language import QueryLanguageMode
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.eval import states as moto_states
from moto.stepfunctions.parser.asl.eval import variable_store as moto_variable_store
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
from moto.stepfunctions.parser.asl.jsonata import validations as moto_validations
from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.asl.utils.json_path import NoSuchJsonPathError, extract_json

from emulator.moto_seams import Holds, Kind, MotoExtension, SetsAttributes, Signature, SourceLine, patch
from emulator.stepfunctions.jsonata import assign, field_paths
from emulator.stepfunctions.jsonata.engine import JsonataError, evaluate

_INDEFINITE_PATH = re.compile(r"\*|\.\.|\?\(|:|,")
_VARIABLE_REFERENCE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$", re.DOTALL)


def variables_in_scope(env: Environment) -> dict[str, Any]:
    store = env.variable_store
    return {**store._outer_scope, **store._inner_scope}


def _bindings(env: Environment, field: str | None) -> dict[str, Any]:
    variables = variables_in_scope(env)
    if field is not None and field_paths.is_output(field):
        at_entry = assign.variables_at_entry(env)
        variables = variables if at_entry is None else at_entry
    states = dict(env.states._states_data)
    # The context object holds datetimes (StartTime, EnteredTime): what an expression sees is their JSON text.
    states["context"] = json.loads(to_json_str(states["context"]))
    return {**variables, "states": states}


def query_evaluation_error(env: Environment, cause: str) -> FailureEventException:
    """States.QueryEvaluationError; moto prefixes the cause with the state and the event it entered at."""
    error_name = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
    failure_event = FailureEvent(
        env=env,
        error_name=error_name,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=EventDetails(  # type: ignore[typeddict-item]
            evaluationFailedEventDetails=EvaluationFailedEventDetails(
                error=error_name.error_name, cause=cause, location=field_paths.current_path() or "",
                state=env.states.context_object.context_object_data["State"]["Name"],
            )
        ),
    )
    return FailureEventException(failure_event=failure_event)


def evaluate_field(env: Environment, expression: str) -> Any:
    """A JSONata field's value; States.QueryEvaluationError (with an EvaluationFailed event) otherwise."""
    field = field_paths.current_path() or env.next_field_name
    try:
        outcome = evaluate(expression, _bindings(env, field))
    except JsonataError as error:
        separator = ". " if re.match(r"^[A-Z]\d{4}: ", error.message) else ": "
        cause = (f"The JSONata expression '{expression}' specified for the field '{field}' threw an error during "
                 f"evaluation{separator}{error.message}")
        raise _recorded(env, query_evaluation_error(env, cause)) from None
    if not outcome.defined:
        cause = f"The JSONata expression '{expression}' specified for the field '{field}' returned nothing (undefined)."
        raise _recorded(env, query_evaluation_error(env, cause))
    return outcome.value


def _recorded(env: Environment, failure: FailureEventException) -> FailureEventException:
    env.event_manager.add_event(
        context=env.event_history_context,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=EventDetails(  # type: ignore[typeddict-item]
            evaluationFailedEventDetails=failure.get_evaluation_failed_event_details()),
    )
    return failure


def _eval_jsonata_field(self: Any, env: Environment) -> None:
    env.stack.append(evaluate_field(env, self.expression))


def _eval_variable_sample(self: Any, env: Environment) -> None:
    if self.query_language_mode == QueryLanguageMode.JSONata:
        env.stack.append(evaluate_field(env, self.expression))
        return
    match = _VARIABLE_REFERENCE.match(self.expression)
    if match is None:
        raise ValueError(f"not a variable reference: {self.expression}")
    name, path = match.groups()
    value = env.variable_store.get(name)  # NoSuchVariable: moto reports it as States.Runtime
    env.stack.append(_json_path(value, "$" + path) if path else value)


def _json_path(value: Any, path: str) -> Any:
    """A definite path (no wildcard, filter, slice or union) selects one value, as on AWS; moto's extract_json
    would answer ``$.lines[0].sku`` with a one-item list."""
    if _INDEFINITE_PATH.search(path):
        return extract_json(path, value)
    matches = jsonpath_parse(path).find(value)
    if not matches:
        raise NoSuchJsonPathError(json_path=path, data=value)
    return matches[0].value


def encode_variable_declarations(bindings: dict[str, Any]) -> str:
    """moto's encoder with every value as JSON (moto wrapped strings in quotes unescaped)."""
    return "".join(f"{reference}:={json.dumps(value, separators=(',', ':'))};" for reference, value in bindings.items())


def _assigned_variables(self: Any) -> dict[str, str]:
    return {name: json.dumps(self.get(name), separators=(",", ":")) for name in self._declaration_tracing}


def _literal_text(parser_rule_context: Any) -> str | None:
    if is_terminal(parser_rule_context, ASLLexer.NULL):
        return None
    text: str = parser_rule_context.getText()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        decoded: str = json.loads(text)
        return decoded
    return text


def _install() -> None:
    field_paths.install()
    patch(Preprocessor, "_inner_string_of", lambda _: staticmethod(_literal_text))
    patch(string_expression.StringJSONata, "_eval_body", lambda _: _eval_jsonata_field)
    patch(string_expression.StringVariableSample, "_eval_body", lambda _: _eval_variable_sample)
    patch(moto_variable_store.VariableStore, "get_assigned_variables", lambda _: _assigned_variables)
    patch(AssignDecl, "_eval_body", lambda _: assign.eval_assign)
    for module in (moto_jsonata, moto_states, moto_variable_store):
        patch(module, "encode_jsonata_variable_declarations", lambda _: encode_variable_declarations)
    # Nothing of moto's calls the stub any more (its two callers are replaced above); a leftover call now fails
    # with a clear message instead of "'NoneType' object is not callable".
    for module in (moto_jsonata, string_expression, moto_validations):
        patch(module, "eval_jsonata_expression", lambda _: _no_composed_expressions)


def _no_composed_expressions(expression: str) -> Any:
    raise RuntimeError("sfn-jsonata evaluates expressions with bindings; composed expression text is not evaluated")


EXTENSION = MotoExtension(
    name="sfn-jsonata",
    kind=Kind.FIDELITY,
    purpose="JSONata expressions and variable reads evaluated (jsonatapy), with AWS's errors, functions and limits",
    module=__name__,
    seams=(
        *field_paths.SEAMS,
        Signature(string_expression.StringJSONata, "_eval_body", ("self", "env")),
        SetsAttributes(string_expression.StringJSONata, "__init__", ("expression",)),
        Signature(string_expression.StringVariableSample, "_eval_body", ("self", "env")),
        SetsAttributes(string_expression.StringVariableSample, "__init__", ("query_language_mode", "expression")),
        SetsAttributes(moto_variable_store.VariableStore, "__init__",
                       ("_outer_scope", "_inner_scope", "_declaration_tracing")),
        Signature(moto_variable_store.VariableStore, "get_assigned_variables", ("self",)),
        SetsAttributes(moto_states.States, "__init__", ("_states_data",)),
        Signature(AssignDecl, "_eval_body", ("self", "env")),
        Signature(Preprocessor, "_inner_string_of", ("parser_rule_context",)),
        SourceLine(Preprocessor, "_inner_string_of", "inner_str = inner_str[1:-1]"),
        SourceLine(AssignDecl, "_eval_body",
                   "env.variable_store.set(variable_identifier=identifier, variable_value=value)"),
        Signature(moto_jsonata, "encode_jsonata_variable_declarations", ("bindings",)),
        Holds("moto's JSONata evaluator is the stub eval_jsonata_expression(jsonata_expression)",
              lambda: hasattr(moto_jsonata, "eval_jsonata_expression")),
    ),
    install=_install,
)
