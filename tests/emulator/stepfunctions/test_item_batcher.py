"""ItemBatcher of Distributed Map states on the emulator, in JSONPath and JSONata. The cases follow AWS's "ItemBatcher
(Map)" page (the fact-check items, MaxItemsPerBatchPath "$.maxBatch", MaxInputBytesPerBatchPath "$.batchSize") and
its tutorial "Processing batch data with a Lambda function" (ten integers in batches of three, factor 7). Each child
workflow here is a Pass state returning its input, so the Map's output is the list of the child executions' inputs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.emulator.stepfunctions.conftest import RunDefinition

FACT_CHECKS = [
    {"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
    {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"},
    {"verdict": "true", "statement_date": "5/18/2016", "statement_source": "news"},
]


def distributed_map(item_batcher: Any, query_language: str = "JSONPath", child: dict[str, Any] | None = None,
                    **fields: Any) -> dict[str, Any]:
    """One Distributed Map state named Map; its child workflow returns its input unless ``child`` says otherwise."""
    child = child or {"Type": "Pass", "End": True}
    items = {"Items": "{% $states.input.items %}"} if query_language == "JSONata" else {"ItemsPath": "$.items"}
    state = {"Type": "Map", **items, "ItemBatcher": item_batcher, "End": True,
             "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                               "StartAt": "Child", "States": {"Child": child}},
             **fields}
    return {"QueryLanguage": query_language, "StartAt": "Map", "States": {"Map": state}}


def test_the_tutorials_ten_integers_in_batches_of_three_with_batch_input(run_definition: RunDefinition) -> None:
    definition = {
        "StartAt": "Pass", "States": {
            "Pass": {"Type": "Pass", "Next": "Map",
                     "Result": {"MyMultiplicationFactor": 7, "MyItems": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}},
            "Map": {**distributed_map({"MaxItemsPerBatch": 3, "BatchInput": {
                "MyMultiplicationFactor.$": "$.MyMultiplicationFactor"}})["States"]["Map"], "ItemsPath": "$.MyItems"},
        },
    }

    run = run_definition(definition)

    assert run.status == "SUCCEEDED"
    factor = {"MyMultiplicationFactor": 7}
    assert run.output == [{"BatchInput": factor, "Items": [1, 2, 3]}, {"BatchInput": factor, "Items": [4, 5, 6]},
                          {"BatchInput": factor, "Items": [7, 8, 9]}, {"BatchInput": factor, "Items": [10]}]
    assert run.events_of("MapRunStarted") and run.events_of("MapRunSucceeded")


def test_the_tutorials_children_multiply_their_batch_in_jsonata(run_definition: RunDefinition) -> None:
    child = {"Type": "Pass", "End": True, "Output": {
        "multiplied": "{% [$map($states.input.Items, function($v) { $v * $states.input.BatchInput.factor })] %}"}}
    definition = distributed_map({"MaxItemsPerBatch": 3, "BatchInput": {"factor": 7}}, "JSONata", child)

    run = run_definition(definition, {"items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})

    assert run.status == "SUCCEEDED"
    assert [batch["multiplied"] for batch in run.output] == [[7, 14, 21], [28, 35, 42], [49, 56, 63], [70]]


@pytest.mark.parametrize("query_language", ["JSONPath", "JSONata"])
def test_the_fact_checks_in_batches_of_two_with_a_static_batch_input(run_definition: RunDefinition,
                                                                      query_language: str) -> None:
    batcher = {"MaxItemsPerBatch": 2, "BatchInput": {"factCheck": "December 2022"}}

    run = run_definition(distributed_map(batcher, query_language), {"items": FACT_CHECKS})

    assert run.output == [{"BatchInput": {"factCheck": "December 2022"}, "Items": FACT_CHECKS[:2]},
                          {"BatchInput": {"factCheck": "December 2022"}, "Items": FACT_CHECKS[2:]}]


@pytest.mark.parametrize("query_language", ["JSONPath", "JSONata"])
def test_without_batch_input_a_child_receives_only_its_items(run_definition: RunDefinition,
                                                             query_language: str) -> None:
    run = run_definition(distributed_map({"MaxItemsPerBatch": 100}, query_language), {"items": FACT_CHECKS})

    assert run.output == [{"Items": FACT_CHECKS}]


def test_batches_by_bytes_count_the_items_array_as_json(run_definition: RunDefinition) -> None:
    # "aaaa" is 6 bytes of JSON: ["aaaa","aaaa"] is 15 bytes, a third item would make 22.
    run = run_definition(distributed_map({"MaxInputBytesPerBatch": 20}), {"items": ["aaaa"] * 5})

    assert [batch["Items"] for batch in run.output] == [["aaaa", "aaaa"], ["aaaa", "aaaa"], ["aaaa"]]


def test_with_both_limits_a_batch_ends_at_whichever_comes_first(run_definition: RunDefinition) -> None:
    items = ["a" * 10, "b" * 10, "c", "d", "e", "f", "g"]

    run = run_definition(distributed_map({"MaxItemsPerBatch": 3, "MaxInputBytesPerBatch": 20}), {"items": items})

    assert [batch["Items"] for batch in run.output] == [["a" * 10], ["b" * 10, "c"], ["d", "e", "f"], ["g"]]


def test_the_limits_read_from_the_input_by_path(run_definition: RunDefinition) -> None:
    batcher = {"MaxItemsPerBatchPath": "$.maxBatch", "MaxInputBytesPerBatchPath": "$.batchSize"}

    run = run_definition(distributed_map(batcher), {"maxBatch": 2, "batchSize": 131072, "items": [1, 2, 3, 4, 5]})

    assert [batch["Items"] for batch in run.output] == [[1, 2], [3, 4], [5]]


def test_a_jsonpath_batch_input_reads_paths_the_context_and_intrinsics(run_definition: RunDefinition) -> None:
    batcher = {"MaxItemsPerBatch": 5, "BatchInput": {
        "customer.$": "$.customer", "state.$": "$$.State.Name", "count.$": "States.ArrayLength($.items)", "fixed": 1}}

    run = run_definition(distributed_map(batcher), {"customer": "ada", "items": [1, 2]})

    assert run.output == [{"BatchInput": {"customer": "ada", "state": "Map", "count": 2, "fixed": 1}, "Items": [1, 2]}]


def test_jsonata_limits_and_batch_input_are_expressions_and_the_item_selector_runs_first(
        run_definition: RunDefinition) -> None:
    batcher = {"MaxItemsPerBatch": "{% $states.input.perBatch %}", "MaxInputBytesPerBatch": "{% 1024 * 256 %}",
               "BatchInput": {"customer": "{% $states.input.customer %}", "total": "{% $count($states.input.items) %}"}}
    selector = {"sku": "{% $states.context.Map.Item.Value.sku %}", "position": "{% $states.context.Map.Item.Index %}"}
    definition = distributed_map(batcher, "JSONata", ItemSelector=selector)

    run = run_definition(definition, {"customer": "ada", "perBatch": 2,
                                      "items": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]})

    assert run.status == "SUCCEEDED", run.cause
    batch_input = {"customer": "ada", "total": 3}
    selected = [{"sku": "a", "position": 0}, {"sku": "b", "position": 1}, {"sku": "c", "position": 2}]
    assert run.output == [{"BatchInput": batch_input, "Items": selected[:2]},
                          {"BatchInput": batch_input, "Items": selected[2:]}]


def test_a_jsonata_batch_input_may_be_one_expression(run_definition: RunDefinition) -> None:
    batcher = {"MaxItemsPerBatch": 10, "BatchInput": "{% {'customer': $uppercase($states.input.customer)} %}"}

    run = run_definition(distributed_map(batcher, "JSONata"), {"customer": "ada", "items": [1]})

    assert run.output == [{"BatchInput": {"customer": "ADA"}, "Items": [1]}]


def test_no_items_no_child_executions(run_definition: RunDefinition) -> None:
    assert run_definition(distributed_map({"MaxItemsPerBatch": 2}), {"items": []}).output == []


@pytest.mark.parametrize(("query_language", "batcher", "value"), [
    ("JSONata", {"MaxItemsPerBatch": "{% $states.input.n %}"}, 0),
    ("JSONata", {"MaxInputBytesPerBatch": "{% $states.input.n %}"}, 2.5),
    ("JSONPath", {"MaxItemsPerBatchPath": "$.n"}, -1),
    ("JSONPath", {"MaxInputBytesPerBatchPath": "$.n"}, "100"),
])
def test_a_limit_that_is_not_a_positive_integer_fails_with_states_runtime(
        run_definition: RunDefinition, query_language: str, batcher: dict[str, Any], value: Any) -> None:
    run = run_definition(distributed_map(batcher, query_language), {"n": value, "items": [1, 2]})

    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    field = next(iter(batcher)).removesuffix("Path")
    assert run.cause == (f"An error occurred while executing the state 'Map' (entered at the event id #4). "
                         f"The ItemBatcher field '{field}' must be a positive integer, but it is {json.dumps(value)}")
    assert run.events_of("MapRunFailed") and run.events_of("MapStateFailed")


def test_an_invalid_limit_is_caught_as_states_runtime(run_definition: RunDefinition) -> None:
    definition = distributed_map({"MaxItemsPerBatchPath": "$.n"}, Catch=[
        {"ErrorEquals": ["States.Runtime"], "Next": "Caught"}])
    definition["States"]["Map"].pop("End")
    definition["States"]["Map"]["Next"] = "Done"
    definition["States"]["Caught"] = {"Type": "Pass", "Result": {"caught": True}, "End": True}
    definition["States"]["Done"] = {"Type": "Succeed"}

    assert run_definition(definition, {"n": 0, "items": [1]}).output == {"caught": True}


def test_an_item_larger_than_the_byte_limit_fails_with_states_runtime(run_definition: RunDefinition) -> None:
    run = run_definition(distributed_map({"MaxInputBytesPerBatch": 10}), {"items": ["short", "much too long"]})

    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert run.cause.endswith("Item 1 is 15 bytes as JSON: it does not fit in a batch of at most 10 bytes "
                              "(MaxInputBytesPerBatch)")


def test_describe_returns_the_definition_with_its_item_batcher(emulator, kit) -> None:
    sfn = emulator.client("stepfunctions")
    text = json.dumps(distributed_map({"MaxItemsPerBatch": 2, "BatchInput": {"a": 1}}))

    arn = sfn.create_state_machine(name=kit.unique_name("batcher"), definition=text,
                                   roleArn=kit.role_arn)["stateMachineArn"]

    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == text


@pytest.mark.parametrize(("batcher", "problem", "mode"), [
    ({}, "needs MaxItemsPerBatch or MaxInputBytesPerBatch", "DISTRIBUTED"),
    ({"MaxItemsPerBatch": 2}, "only a Distributed Map", "INLINE"),
    ({"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"}, "not both", "DISTRIBUTED"),
    ({"MaxItemsPerBatch": 0}, "must be a positive integer", "DISTRIBUTED"),
    ({"MaxItemsPerBatch": 2, "Extra": 1}, "unknown field(s) Extra", "DISTRIBUTED"),
])
def test_create_refuses_an_item_batcher_aws_refuses(emulator, kit, batcher: dict[str, Any], problem: str,
                                                    mode: str) -> None:
    definition = distributed_map(batcher)
    definition["States"]["Map"]["ItemProcessor"]["ProcessorConfig"]["Mode"] = mode

    with pytest.raises(ClientError) as refused:
        emulator.client("stepfunctions").create_state_machine(
            name=kit.unique_name("batcher"), definition=json.dumps(definition), roleArn=kit.role_arn)

    assert refused.value.response["Error"]["Code"] == "InvalidDefinition"
    message = refused.value.response["Error"]["Message"]
    assert "ItemBatcher of Map state 'Map': " in message and problem in message


def _validate(emulator, definition: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = emulator.client("stepfunctions").validate_state_machine_definition(
        definition=json.dumps(definition))
    return answer


def test_validation_accepts_jsonata_expressions_as_limits(emulator) -> None:
    batcher = {"MaxItemsPerBatch": "{% $states.input.n %}", "MaxInputBytesPerBatch": "{% 1024 %}",
               "BatchInput": {"a": "{% $states.input.a %}"}}

    assert _validate(emulator, distributed_map(batcher, "JSONata"))["result"] == "OK"
    assert _validate(emulator, distributed_map({"MaxItemsPerBatchPath": "$.n"}))["result"] == "OK"


def test_validation_refuses_a_path_field_in_jsonata_and_a_bad_expression(emulator) -> None:
    path_in_jsonata = _validate(emulator, distributed_map({"MaxItemsPerBatchPath": "$.n"}, "JSONata"))
    bad_expression = _validate(emulator, distributed_map({"MaxItemsPerBatch": "{% $states.input. %}"}, "JSONata"))

    assert path_in_jsonata["result"] == bad_expression["result"] == "FAIL"
    assert "MaxItemsPerBatchPath is JSONPath only" in path_in_jsonata["diagnostics"][0]["message"]
    assert bad_expression["diagnostics"][0]["location"] == "/States/Map/ItemBatcher/MaxItemsPerBatch"
