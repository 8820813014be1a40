"""A state machine definition checked before it is created, as AWS checks it: statelint's rules, and what
statelint does not know (JSONata expressions that do not parse or start from `$`/`$$`, ItemBatcher limits written
as expressions)."""

from __future__ import annotations

import json
from typing import Any

from statelint.linter import Linter

from emulator.stepfunctions.item_batcher.declaration import lintable
from emulator.stepfunctions.jsonata.expression_checks import expression_problems


def definition_problems(definition: str | dict[str, Any]) -> list[str]:
    parsed = json.loads(definition) if isinstance(definition, str) else definition
    problems: list[str] = list(Linter.validate(lintable(parsed)))
    problems.extend(f"{problem.location}: {problem.message}" for problem in expression_problems(parsed))
    return problems
