"""A States.* error raised inside a Parallel branch or a Map iteration reaches the state's Retry and Catch
(extension sfn-branch-errors).

moto re-raises a branch's or an iteration's failure under a CustomErrorName, whose constructor refuses names
starting with "States." (a rule meant for definitions): States.QueryEvaluationError, States.Timeout or
States.TaskFailed from a branch ended the execution with a Python ValueError instead of being caught. A known
States error name is accepted as the name it is.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.iteration_worker import IterationWorker
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branches_decl import BranchesDecl

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, around


def is_states_error_name(name: str | None) -> bool:
    try:
        StatesErrorNameType.from_name(name or "")
    except ValueError:
        return False
    return True


def _accept_states_errors(original: Any, self: Any, error_name: str | None) -> None:
    if is_states_error_name(error_name):
        ErrorName.__init__(self, error_name=error_name)
    else:
        original(self, error_name)


EXTENSION = MotoExtension(
    name="sfn-branch-errors",
    kind=Kind.FIDELITY,
    purpose="States.* errors from Parallel branches and Map iterations are caught and retried like any error",
    module=__name__,
    seams=(
        Signature(CustomErrorName, "__init__", ("self", "error_name")),
        Signature(ErrorName, "__init__", ("self", "error_name")),
        Signature(StatesErrorNameType, "from_name", ("name",)),
        SourceLine(BranchesDecl, "_eval_body", "error_name=CustomErrorName(error_name=exit_error_name)"),
        SourceLine(IterationWorker, "_eval_job", "error_name = CustomErrorName(error_name=error_name)"),
    ),
    install=lambda: around(CustomErrorName, "__init__", _accept_states_errors),
)
