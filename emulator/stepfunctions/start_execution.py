"""StartExecution as AWS answers it, around moto's Step Functions interpreter (extension sfn-start-execution).

moto's ``start_execution`` (parser backend) already applies AWS's same-name rule for Standard machines:
same name and input while the first is RUNNING returns the first execution; a different input, or a
closed first execution, is ``ExecutionAlreadyExists``. What differs, and is handled here:
- without a ``name`` moto names the execution "None" (so a second unnamed start collides with the first);
  AWS generates a UUID;
- EXPRESS machines run as Express executions (express.py);
- input over 256 KiB is refused with AWS's ValidationException (input_quota.py); moto would run it;
- names are checked as AWS checks them (execution_names.py); moto's parser backend took any name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from moto.stepfunctions.parser import models as parser_models
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import Execution

from emulator.moto_seams import Kind, MotoExtension, Signature, around
from emulator.stepfunctions.execution_names import check_execution_name
from emulator.stepfunctions.express import start_express_execution
from emulator.stepfunctions.input_quota import check_input_size


def start_execution(
    original: Callable[..., Execution],
    backend: Any,
    state_machine_arn: str,
    name: str | None = None,
    execution_input: str | None = None,
    trace_header: str | None = None,
) -> Execution:
    check_input_size(execution_input)
    check_execution_name(name)
    state_machine = backend.describe_state_machine(state_machine_arn)
    if state_machine.type == StateMachineType.EXPRESS:
        return start_express_execution(backend, state_machine, name, execution_input, trace_header)
    return original(backend, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)


EXTENSION = MotoExtension(
    name="sfn-start-execution",
    kind=Kind.FIDELITY,
    purpose="unnamed executions get UUID names, EXPRESS machines run as Express, input over 256 KiB is refused",
    module=__name__,
    seams=(
        Signature(parser_models.StepFunctionsParserBackend, "start_execution",
                  ("self", "state_machine_arn", "name", "execution_input", "trace_header")),
    ),
    install=lambda: around(parser_models.StepFunctionsParserBackend, "start_execution", start_execution),
)
