"""ValidateStateMachineDefinition (extension sfn-validate-definition; moto has no such action).

Answers AWS's shape, ``{"result": "OK"|"FAIL", "diagnostics": [{severity, code, message, location}],
"truncated"}``, from three checks: the JSON itself (INVALID_JSON_DESCRIPTION), statelint's structural rules,
moto's parser (a field of the wrong query language, an unknown field, an ItemBatcher AWS refuses: see
item_batcher/declaration.py) and the JSONata expressions
(jsonata/expression_checks.py), the last three as SCHEMA_VALIDATION_FAILED. The codes are AWS's; the messages
are the checkers' own, not AWS's wording.

moto's parser keeps its stack of query-language scopes in a class attribute: a definition refused in the middle
of a scope (a JSONPath field in a JSONata state) left its scope behind, and later, valid definitions parsed
in the same process were refused. Each parser gets a stack of its own.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
from moto.stepfunctions.parser.asl.static_analyser.express_static_analyser import ExpressStaticAnalyser
from moto.stepfunctions.parser.asl.static_analyser.static_analyser import StaticAnalyser
from statelint.linter import Linter

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, around
from emulator.stepfunctions.item_batcher.declaration import lintable
from emulator.stepfunctions.jsonata.expression_checks import expression_problems

Diagnostic = dict[str, str]


def _error(code: str, message: str, location: str | None = None) -> Diagnostic:
    diagnostic = {"severity": "ERROR", "code": code, "message": message}
    if location:
        diagnostic["location"] = location
    return diagnostic


def definition_diagnostics(definition_text: str, machine_type: str = "STANDARD") -> list[Diagnostic]:
    try:
        definition = json.loads(definition_text)
    except ValueError as error:
        return [_error("INVALID_JSON_DESCRIPTION", f"The definition is not valid JSON: {error}")]
    if not isinstance(definition, dict):
        return [_error("SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object", "/")]
    diagnostics = [_error("SCHEMA_VALIDATION_FAILED", problem) for problem in Linter.validate(lintable(definition))]
    diagnostics.extend(_error("SCHEMA_VALIDATION_FAILED", problem.message, problem.location)
                       for problem in expression_problems(definition))
    if not diagnostics:
        analyser = ExpressStaticAnalyser() if machine_type == "EXPRESS" else StaticAnalyser()
        try:
            analyser.analyse(definition_text)
        except Exception as error:  # moto's parser raises whatever its visitor meets
            diagnostics.append(_error("SCHEMA_VALIDATION_FAILED", str(error) or type(error).__name__))
    return diagnostics


def validate_state_machine_definition(response: Any) -> ActionResult:
    diagnostics = definition_diagnostics(response._get_param("definition", ""),
                                         response._get_param("type") or "STANDARD")
    return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})


def _own_scope_stack(original: Any, self: Any, *args: Any, **kwargs: Any) -> None:
    original(self, *args, **kwargs)
    self._query_language_per_scope = []


def _install() -> None:
    around(Preprocessor, "__init__", _own_scope_stack)
    # moto dispatches a JSON action to the response method of the same snake_case name.
    sfn_responses.StepFunctionResponse.validate_state_machine_definition = (  # type: ignore[attr-defined]
        validate_state_machine_definition)


EXTENSION = MotoExtension(
    name="sfn-validate-definition",
    kind=Kind.FIDELITY,
    purpose="ValidateStateMachineDefinition answers OK/FAIL with diagnostics, JSONata expressions included",
    module=__name__,
    seams=(
        Holds("StepFunctionResponse has no validate_state_machine_definition of its own",
              lambda: getattr(sfn_responses.StepFunctionResponse, "validate_state_machine_definition", None)
              in (None, validate_state_machine_definition)),
        Signature(StaticAnalyser, "analyse", ("self", "definition")),
        Holds("moto's Preprocessor keeps its query-language scopes in the class list _query_language_per_scope",
              lambda: isinstance(vars(Preprocessor).get("_query_language_per_scope"), list)),
    ),
    install=_install,
)
