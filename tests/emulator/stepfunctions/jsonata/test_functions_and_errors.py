"""AWS's JSONata function additions ($partition, $range, $hash, $random, $uuid, $parse; $eval removed) and
States.QueryEvaluationError with AWS's causes, on the emulator."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.emulator.stepfunctions.jsonata.conftest import RunDefinition, pass_machine


def test_aws_function_additions(run_definition: RunDefinition) -> None:
    output = {
        "partition": "{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}",
        "uneven": "{% $partition([1, 2, 3, 4], 3) %}",
        "range": "{% $range(0, 10, 2) %}",
        "countdown": "{% $range(3, 1, -1) %}",
        "hash": "{% $hash($states.input.content, 'SHA-256') %}",
        "md5": "{% $hash($states.input.content, 'MD5') %}",
        "parsed": "{% $parse($states.input.json_string) %}",
        "uuid": "{% $uuid() %}",
        "random": "{% $random() %}",
        "seededTwice": "{% [$random($states.input.seed), $random($states.input.seed)] %}",
    }
    run = run_definition(pass_machine(output), {"content": "input data", "json_string": '{"order": {"id": 7}}',
                                                "seed": 42})

    assert run.status == "SUCCEEDED", run.cause
    result = run.output
    assert result["partition"] == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert result["uneven"] == [[1, 2, 3], [4]]
    assert result["range"] == [0, 2, 4, 6, 8, 10]
    assert result["countdown"] == [3, 2, 1]
    assert result["hash"] == hashlib.sha256(b"input data").hexdigest()
    assert result["md5"] == hashlib.md5(b"input data").hexdigest()
    assert result["parsed"] == {"order": {"id": 7}}
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", result["uuid"])
    assert 0 <= result["random"] < 1
    first, second = result["seededTwice"]
    assert first == second and 0 <= first < 1


def test_eval_is_not_available(run_definition: RunDefinition) -> None:
    run = run_definition(pass_machine({"r": "{% $eval('1+1') %}"}))

    assert run.status == "FAILED"
    assert run.error == "States.QueryEvaluationError"
    assert run.cause.endswith("threw an error during evaluation. T1006: Attempted to invoke a non-function")


def test_an_expression_returning_nothing_fails_the_state_naming_the_field(run_definition: RunDefinition) -> None:
    run = run_definition(pass_machine({"v": "{% $states.input.missing %}"}), {"present": 1})

    assert run.status == "FAILED"
    assert run.error == "States.QueryEvaluationError"
    assert run.cause == ("An error occurred while executing the state 'P' (entered at the event id #2). The JSONata "
                         "expression '$states.input.missing' specified for the field 'Output/v' returned nothing "
                         "(undefined).")
    [evaluation_failed] = run.events_of("EvaluationFailed")
    details = evaluation_failed["evaluationFailedEventDetails"]
    assert (details["error"], details["state"], details["location"]) == (
        "States.QueryEvaluationError", "P", "Output/v")


def test_an_expression_that_throws_fails_with_the_engine_message(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Total", "States": {
        "Total": {"Type": "Pass", "Assign": {"total": "{% $sum($states.input.amounts) %}"}, "End": True}}}

    run = run_definition(definition, {"amounts": ["a"]})

    assert run.error == "States.QueryEvaluationError"
    assert run.cause.startswith(
        "An error occurred while executing the state 'Total' (entered at the event id #2). The JSONata expression "
        "'$sum($states.input.amounts)' specified for the field 'Assign/total' threw an error during evaluation. "
        "T0412: ")


def test_integers_beyond_64_bits_are_doubles_as_in_javascript(run_definition: RunDefinition) -> None:
    """jsonatapy refuses them (OverflowError, which failed the state with States.Runtime); AWS's JSONata reads every
    number as a double. The checkout's fuzzer sends such quantities: they must reach the validation."""
    run = run_definition(pass_machine({"quantity": "{% $states.input.items[0].quantity %}",
                                       "sum": "{% $states.input.items[0].quantity + 1 %}",
                                       "small": "{% $states.input.small %}"}),
                         {"items": [{"quantity": 10**30}], "small": 2**63 - 1})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"quantity": 1e30, "sum": 1e30, "small": 2**63 - 1}


def test_a_catch_on_query_evaluation_error_fires(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Risky", "States": {
        "Risky": {"Type": "Parallel", "Branches": [{"StartAt": "Bad", "States": {
            "Bad": {"Type": "Pass", "Output": "{% $number('not a number') %}", "End": True}}}],
                  "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Handled",
                             "Output": {"error": "{% $states.errorOutput.Error %}"}}],
                  "End": True},
        "Handled": {"Type": "Pass", "End": True},
    }}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"error": "States.QueryEvaluationError"}


@pytest.mark.parametrize("expression", ["$partition([1, 2], 0)", "$hash('x', 'SHA-3')", "$parse('{not json')",
                                        "$range(1, 2, 0)"])
def test_aws_functions_refuse_bad_arguments(run_definition: RunDefinition, expression: str) -> None:
    run = run_definition(pass_machine({"r": "{% " + expression + " %}"}))

    assert run.error == "States.QueryEvaluationError"
    assert "threw an error during evaluation" in run.cause


def test_a_catch_on_a_map_catches_an_iteration_error(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Each", "States": {
        "Each": {"Type": "Map", "Items": "{% [1, 2] %}",
                 "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Bad", "States": {
                     "Bad": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": True}}},
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled",
                            "Output": {"error": "{% $states.errorOutput.Error %}"}}],
                 "End": True},
        "Handled": {"Type": "Pass", "End": True},
    }}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"error": "States.QueryEvaluationError"}


def test_causes_name_the_choice_rule_and_the_catch_clause(run_definition: RunDefinition) -> None:
    choice = {"QueryLanguage": "JSONata", "StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Default": "Done", "Choices": [
            {"Condition": "{% true = false %}", "Next": "Done"},
            {"Condition": "{% $states.input.total > 'x' %}", "Next": "Done"}]},
        "Done": {"Type": "Succeed"}}}
    catch = {"QueryLanguage": "JSONata", "StartAt": "Risky", "States": {
        "Risky": {"Type": "Parallel", "Branches": [{"StartAt": "Bad", "States": {
            "Bad": {"Type": "Fail", "Error": "Boom"}}}],
                  "Catch": [{"ErrorEquals": ["Other"], "Next": "Done"},
                            {"ErrorEquals": ["States.ALL"], "Next": "Done",
                             "Output": {"missing": "{% $states.errorOutput.Nope %}"}}],
                  "End": True},
        "Done": {"Type": "Succeed"}}}

    choice_run = run_definition(choice, {"total": 3})
    catch_run = run_definition(catch)

    assert "specified for the field 'Choices[1]/Condition' threw an error" in choice_run.cause
    assert "specified for the field 'Catch[1]/Output/missing' returned nothing" in catch_run.cause
