"""JSONata tests: one Pass state machines. Running a definition is the Step Functions tests' (../conftest.py)."""

from __future__ import annotations

from typing import Any

from tests.emulator.stepfunctions.conftest import Run, RunDefinition

__all__ = ["Run", "RunDefinition", "pass_machine"]


def pass_machine(output: Any, query_language: str = "JSONata", **state: Any) -> dict[str, Any]:
    """One Pass state whose Output is ``output``."""
    return {"QueryLanguage": query_language, "StartAt": "P",
            "States": {"P": {"Type": "Pass", "Output": output, "End": True, **state}}}
