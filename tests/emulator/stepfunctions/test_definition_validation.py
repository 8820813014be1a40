"""ValidateStateMachineDefinition on the emulator: AWS's answer shape, JSONata expressions checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

VALID_JSONATA = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
    "A": {"Type": "Pass", "Output": {"id": "{% $states.input.id %}"}, "Assign": {"n": "{% 1 + 1 %}"}, "End": True}}}


def _validate(emulator, definition: Any, **options: Any) -> dict[str, Any]:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    answer: dict[str, Any] = emulator.client("stepfunctions").validate_state_machine_definition(
        definition=text, **options)
    return answer


@pytest.mark.parametrize("machine_type", ["STANDARD", "EXPRESS"])
def test_a_valid_jsonata_definition_is_ok(emulator, machine_type: str) -> None:
    answer = _validate(emulator, VALID_JSONATA, type=machine_type)

    assert (answer["result"], answer["diagnostics"], answer["truncated"]) == ("OK", [], False)


def test_an_expression_that_does_not_parse_is_located(emulator) -> None:
    definition = json.loads(json.dumps(VALID_JSONATA))
    definition["States"]["A"]["Output"]["id"] = "{% $states.input.id + %}"

    answer = _validate(emulator, definition)

    assert answer["result"] == "FAIL"
    [diagnostic] = answer["diagnostics"]
    assert (diagnostic["severity"], diagnostic["code"], diagnostic["location"]) == (
        "ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Output/id")
    assert "S0207" in diagnostic["message"]


def test_top_level_context_is_refused(emulator) -> None:
    definition = json.loads(json.dumps(VALID_JSONATA))
    definition["States"]["A"]["Output"] = "{% $.id %}"

    assert _validate(emulator, definition)["diagnostics"][0]["location"] == "/States/A/Output"


@pytest.mark.parametrize(("definition", "code"), [
    ("{not json", "INVALID_JSON_DESCRIPTION"),
    ({"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}}, "SCHEMA_VALIDATION_FAILED"),
    ({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": True}}}, "SCHEMA_VALIDATION_FAILED"),
])
def test_invalid_definitions_fail_with_aws_codes(emulator, definition: Any, code: str) -> None:
    answer = _validate(emulator, definition)

    assert answer["result"] == "FAIL"
    assert answer["diagnostics"][0]["code"] == code


def test_a_refused_definition_does_not_spoil_later_ones(emulator, kit) -> None:
    refused = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "QueryLanguage": "JSONata", "End": True,
                                                "Branches": [{"StartAt": "A", "States": {"A": {
                                                    "Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": True}}}]}}}
    valid = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": True}}}

    assert _validate(emulator, refused)["result"] == "FAIL"
    assert _validate(emulator, valid)["result"] == "OK"
    emulator.client("stepfunctions").create_state_machine(
        name=kit.unique_name("after-refusal"), definition=json.dumps(valid), roleArn=kit.role_arn)
