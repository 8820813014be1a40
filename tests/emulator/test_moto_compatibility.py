"""check_moto_compatibility() guards the moto internals the emulator extends."""

from __future__ import annotations

import re

import moto
import pytest
from moto.awslambda.models import LambdaFunction
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from emulator.moto_extensions import MotoCompatibilityError, check_moto_compatibility


def test_pinned_moto_is_compatible() -> None:
    check_moto_compatibility()


def test_missing_patched_attribute_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(LambdaFunction, "_invoke_lambda")

    with pytest.raises(MotoCompatibilityError, match=r"LambdaFunction\._invoke_lambda is missing"):
        check_moto_compatibility()


def test_changed_signature_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    def start_execution(self: object, state_machine_arn: str, name: str) -> None: ...

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start_execution)

    expected = re.escape("start_execution takes ['self', 'state_machine_arn', 'name']")
    with pytest.raises(MotoCompatibilityError, match=expected):
        check_moto_compatibility()


def test_other_moto_version_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moto, "__version__", "6.0.0")

    with pytest.raises(MotoCompatibilityError, match=re.escape("moto 6.0.0 is installed")):
        check_moto_compatibility()


def test_internals_read_directly_fail_loudly_when_they_move(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    def put_item(self: object, item_attrs: dict[str, object]) -> None: ...

    monkeypatch.setattr(Table, "put_item", put_item)
    with pytest.raises(MotoCompatibilityError, match=re.escape("Table.put_item no longer contains")):
        check_moto_compatibility()


def test_an_interpreter_module_that_stops_using_copy_by_name_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.stepfunctions.parser.asl.eval import states

    monkeypatch.delattr(states, "copy")
    with pytest.raises(MotoCompatibilityError, match=re.escape("eval.states no longer uses the copy module")):
        check_moto_compatibility()


def test_a_validator_that_stops_copying_the_tree_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.parsing.validators import Validator

    def __init__(  # the signature of moto's, without its deepcopy
        self: object, expression: object, expression_attribute_names: object, expression_attribute_values: object,
        item: object, table: object,
    ) -> None: ...

    monkeypatch.setattr(Validator, "__init__", __init__)
    expected = re.escape("Validator.__init__ no longer contains `self.node_to_validate = deepcopy(expression)`")
    with pytest.raises(MotoCompatibilityError, match=expected):
        check_moto_compatibility()


def test_validators_that_stop_using_deepcopy_by_name_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.parsing import validators

    monkeypatch.setattr(validators, "deepcopy", lambda value, memo=None: value)
    with pytest.raises(MotoCompatibilityError, match=re.escape("validators no longer use deepcopy by name")):
        check_moto_compatibility()


def test_a_clause_finder_that_walks_differently_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.parsing.ast_nodes import Node

    def find_clauses(self: object, clause_types: object) -> list[object]:
        return []

    monkeypatch.setattr(Node, "find_clauses", find_clauses)
    with pytest.raises(MotoCompatibilityError, match=re.escape("Node.find_clauses no longer contains")):
        check_moto_compatibility()
