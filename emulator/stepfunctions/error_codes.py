"""Step Functions API errors with their error code (extension sfn-error-codes).

The exception classes of moto's Step Functions parser (InvalidDefinition, InvalidExecutionInput,
ExecutionDoesNotExist, ...) name their error in ``code`` and their HTTP status in ``status_code``, but their base,
moto's AWSError, answers with ``TYPE`` and ``STATUS``: clients got an empty error code and could not tell the
errors apart. Each class gets its own code and status where AWSError reads them.
"""

from __future__ import annotations

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser import api as parser_api

from emulator.moto_seams import Holds, Kind, MotoExtension


def parser_error_classes() -> list[type[AWSError]]:
    return [
        member
        for member in vars(parser_api).values()
        if isinstance(member, type)
        and issubclass(member, AWSError)
        and isinstance(getattr(member, "code", None), str)
        and isinstance(getattr(member, "status_code", None), int)
    ]


def _install() -> None:
    for error_class in parser_error_classes():
        error_class.TYPE = error_class.code  # type: ignore[assignment]
        error_class.STATUS = error_class.status_code  # type: ignore[attr-defined]


EXTENSION = MotoExtension(
    name="sfn-error-codes",
    kind=Kind.FIDELITY,
    purpose="Step Functions API errors carry their code (InvalidDefinition, ExecutionDoesNotExist, ...) as AWS's do",
    module=__name__,
    seams=(Holds("moto.stepfunctions.parser.api has AWSError classes named by `code`", lambda: bool(
        parser_error_classes())),),
    install=_install,
)
