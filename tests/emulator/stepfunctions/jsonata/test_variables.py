"""Workflow variables on the emulator, after AWS's "Passing data between states with variables": evaluation order of
Assign and Output, scopes of Parallel branches and Map iterations, the history's assignedVariables, size limits."""

from __future__ import annotations

import json

from tests.emulator.stepfunctions.jsonata.conftest import RunDefinition


def test_assign_and_output_see_the_values_from_state_entry(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "First", "States": {
        "First": {"Type": "Pass", "Assign": {"x": 1}, "Next": "Second"},
        "Second": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "previous": "{% $x %}"},
                   "Output": {"x": "{% $x %}"}, "Next": "Third"},
        "Third": {"Type": "Pass", "Output": {"x": "{% $x %}", "previous": "{% $previous %}",
                                             "secondOutput": "{% $states.input.x %}"}, "End": True},
    }}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"x": 2, "previous": 1, "secondOutput": 1}


def test_parallel_branches_read_outer_variables_and_their_assignments_stay_inside(
    run_definition: RunDefinition,
) -> None:
    branch = {"StartAt": "Inner", "States": {"Inner": {
        "Type": "Pass", "Assign": {"inner": "{% $outer & '-inner' %}"},
        "Output": {"seen": "{% $outer %}"}, "End": True}}}
    definition = {"QueryLanguage": "JSONata", "StartAt": "Setup", "States": {
        "Setup": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "Both"},
        "Both": {"Type": "Parallel", "Branches": [branch, branch],
                 "Assign": {"results": "{% $states.result %}"}, "Next": "After"},
        "After": {"Type": "Pass", "Output": {"results": "{% $results %}",
                                             "innerVisible": "{% $exists($inner) %}"}, "End": True},
    }}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"results": [{"seen": "o"}, {"seen": "o"}], "innerVisible": False}


def test_map_iterations_read_outer_variables(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Setup", "States": {
        "Setup": {"Type": "Pass", "Assign": {"currency": "EUR"}, "Next": "Each"},
        "Each": {"Type": "Map", "Items": "{% $states.input.amounts %}",
                 "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Price", "States": {
                     "Price": {"Type": "Pass", "Output": "{% $string($states.input) & ' ' & $currency %}",
                               "End": True}}},
                 "Output": {"prices": "{% $states.result %}"}, "End": True},
    }}

    run = run_definition(definition, {"amounts": [1, 2.5]})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"prices": ["1 EUR", "2.5 EUR"]}


def test_history_records_assigned_variables_as_json(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"quote": 'say "hi"', "number": 3, "list": [1, "a"]}, "End": True}}}

    run = run_definition(definition)

    exited = run.events_of("PassStateExited")[0]["stateExitedEventDetails"]
    assigned = exited["assignedVariables"]
    assert {name: json.loads(value) for name, value in assigned.items()} == {
        "quote": 'say "hi"', "number": 3, "list": [1, "a"]}


def test_a_variable_over_256_kib_fails_the_state(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Assign": {"blob": "{% $pad('', 262145, 'a') %}"}, "End": True}}}

    run = run_definition(definition)

    assert run.status == "FAILED"
    assert run.error == "States.Runtime"
    assert "'blob'" in run.cause and "262147 bytes" in run.cause  # the JSON text: quotes included


def test_one_assign_over_256_kib_in_total_fails_the_state(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Assign": {"a": "{% $pad('', 140000, 'a') %}", "b": "{% $pad('', 140000, 'b') %}"},
                "End": True}}}

    run = run_definition(definition)

    assert run.status == "FAILED"
    assert run.error == "States.Runtime"
    assert "for one Assign" in run.cause


def test_variables_just_under_the_limit_are_kept(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Assign": {"blob": "{% $pad('', 262142, 'a') %}"}, "Next": "Use"},
        "Use": {"Type": "Pass", "Output": {"length": "{% $length($blob) %}"}, "End": True}}}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"length": 262142}


def test_string_literals_of_a_definition_are_json_strings(run_definition: RunDefinition) -> None:
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"quote": 'say "hi"'}, "Result": {"path": "C:\\temp\n"}, "Next": "B"},
        "B": {"Type": "Pass", "QueryLanguage": "JSONata",
              "Output": {"quote": "{% $quote %}", "path": "{% $states.input.path %}", "literal": "tab\there"},
              "End": True}}}

    run = run_definition(definition)

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"quote": 'say "hi"', "path": "C:\\temp\n", "literal": "tab\there"}
