"""JSONata states on the emulator: QueryLanguage at machine and state level, Output, Arguments, Condition, $states,
Map Items/ItemSelector, and reading variables from JSONPath fields. Cases follow the examples of AWS's "Transforming
data with JSONata in Step Functions" and "Passing data between states with variables" pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.stepfunctions.jsonata.conftest import RunDefinition, pass_machine

ECHO_SOURCE = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError(event["fail"])
    if event.get("sleep"):
        import time
        time.sleep(event["sleep"])
    return {"echo": event}
"""


@pytest.fixture
def echo_function_arn(emulator, create_function) -> str:
    name = create_function(ECHO_SOURCE, prefix="echo")
    arn: str = emulator.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    return arn


def test_machine_level_jsonata_output_reads_states_input(run_definition: RunDefinition) -> None:
    run = run_definition(pass_machine({"static": "Hello", "title": "{% $states.input.title %}",
                                       "not-evaluated": "$customerName"}), {"title": "Doctor"})

    assert run.status == "SUCCEEDED"
    assert run.output == {"static": "Hello", "title": "Doctor", "not-evaluated": "$customerName"}


def test_whole_output_as_one_expression(run_definition: RunDefinition) -> None:
    output = "{% $states.input.items[price > 10].{'sku': sku, 'cost': price * quantity} %}"
    run = run_definition(pass_machine(output), {"items": [{"sku": "a", "price": 5, "quantity": 1},
                                                          {"sku": "b", "price": 12.5, "quantity": 2}]})

    assert run.output == {"sku": "b", "cost": 25}  # a one-item sequence is its item, as in JSONata


def test_a_jsonata_state_in_a_jsonpath_machine(run_definition: RunDefinition) -> None:
    definition = {
        "StartAt": "Path", "States": {
            "Path": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "ResultPath": "$.copied", "Next": "Ata"},
            "Ata": {"Type": "Pass", "QueryLanguage": "JSONata",
                    "Output": {"doubled": "{% $states.input.copied.n * 2 %}"}, "End": True},
        },
    }
    run = run_definition(definition, {"n": 21})

    assert run.status == "SUCCEEDED"
    assert run.output == {"doubled": 42}


def test_choice_condition_routes_on_an_expression(run_definition: RunDefinition) -> None:
    definition = {
        "QueryLanguage": "JSONata", "StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Default": "Small",
                      "Choices": [{"Condition": "{% $states.input.total >= 100 %}", "Next": "Large",
                                   "Assign": {"tier": "gold"}}]},
            "Large": {"Type": "Pass", "Output": {"size": "large", "tier": "{% $tier %}"}, "End": True},
            "Small": {"Type": "Pass", "Output": {"size": "small"}, "End": True},
        },
    }

    assert run_definition(definition, {"total": 150}).output == {"size": "large", "tier": "gold"}
    assert run_definition(definition, {"total": 20}).output == {"size": "small"}


def test_task_arguments_and_output_read_states_result(run_definition: RunDefinition, echo_function_arn: str) -> None:
    definition = {
        "QueryLanguage": "JSONata", "StartAt": "Echo", "States": {
            "Echo": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Arguments": {"FunctionName": echo_function_arn,
                                   "Payload": {"order": "{% $states.input.orderId %}",
                                               "execution": "{% $states.context.Execution.Name %}"}},
                     "Output": {"echoed": "{% $states.result.Payload.echo.order %}",
                                "sameExecution": "{% $states.result.Payload.echo.execution"
                                                 " = $states.context.Execution.Name %}"},
                     "End": True},
        },
    }
    run = run_definition(definition, {"orderId": "ord-1"})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"echoed": "ord-1", "sameExecution": True}


def test_catch_reads_states_error_output(run_definition: RunDefinition, echo_function_arn: str) -> None:
    definition = {
        "QueryLanguage": "JSONata", "StartAt": "Echo", "States": {
            "Echo": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Arguments": {"FunctionName": echo_function_arn, "Payload": {"fail": "boom"}},
                     "Catch": [{"ErrorEquals": ["ValueError"], "Next": "Failed",
                                "Assign": {"failure": "{% $states.errorOutput %}"},
                                "Output": {"error": "{% $states.errorOutput.Error %}",
                                           "input": "{% $states.input %}"}}],
                     "End": True},
            "Failed": {"Type": "Pass", "Output": {"seen": "{% $states.input.error %}",
                                                  "kept": "{% $failure.Error %}"}, "End": True},
        },
    }
    run = run_definition(definition, {"orderId": "ord-2"})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"seen": "ValueError", "kept": "ValueError"}


def test_map_items_and_item_selector_are_expressions(run_definition: RunDefinition) -> None:
    definition = {
        "QueryLanguage": "JSONata", "StartAt": "Each", "States": {
            "Each": {"Type": "Map", "Items": "{% $states.input.orders[paid] %}",
                     "ItemSelector": {"id": "{% $states.context.Map.Item.Value.id %}",
                                      "index": "{% $states.context.Map.Item.Index %}"},
                     "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Label",
                                       "States": {"Label": {"Type": "Pass", "End": True,
                                                            "Output": "{% $states.input.id & '#' & "
                                                                      "$string($states.input.index) %}"}}},
                     "End": True},
        },
    }
    orders = [{"id": "a", "paid": True}, {"id": "b", "paid": False}, {"id": "c", "paid": True}]

    run = run_definition(definition, {"orders": orders})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == ["a#0", "c#1"]


def test_wait_seconds_as_an_expression(run_definition: RunDefinition) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "Done"},
        "Done": {"Type": "Pass", "Output": {"waited": "{% $states.input.delay %}"}, "End": True}}}

    assert run_definition(definition, {"delay": 0}).output == {"waited": 0}


def test_task_timeout_seconds_as_an_expression(run_definition: RunDefinition, echo_function_arn: str) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "Slow", "States": {
        "Slow": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "TimeoutSeconds": "{% $states.input.budget %}",
                 "Arguments": {"FunctionName": echo_function_arn, "Payload": {"sleep": 2}}, "End": True}}}

    run = run_definition(definition, {"budget": 1})

    assert run.status == "FAILED"
    assert run.error == "States.Timeout"


def test_jsonpath_fields_read_variables(run_definition: RunDefinition) -> None:
    definition = {
        "StartAt": "Remember", "States": {
            "Remember": {"Type": "Pass", "Assign": {"customerName": "Ann", "order": {"lines": [{"sku": "k1"}]}},
                         "Next": "Use"},
            "Use": {"Type": "Pass", "Parameters": {"name.$": "$customerName", "firstSku.$": "$order.lines[0].sku",
                                                   "not-evaluated": "$customerName"}, "End": True},
        },
    }
    run = run_definition(definition, {})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"name": "Ann", "firstSku": "k1", "not-evaluated": "$customerName"}


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "line\nbreak", "{% not an expression %}"])
def test_string_values_reach_expressions_unchanged(run_definition: RunDefinition, value: Any) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"text": "{% $states.input.text %}"}, "Next": "B"},
        "B": {"Type": "Pass", "Output": {"text": "{% $text %}", "length": "{% $length($text) %}"}, "End": True}}}

    run = run_definition(definition, {"text": value})

    assert run.status == "SUCCEEDED", run.cause
    assert run.output == {"text": value, "length": len(value)}
