"""Definitions are checked before the deployer creates them: statelint, and JSONata expressions it cannot read."""

from __future__ import annotations

from devstack.definitions import definition_problems


def _jsonata_pass(output: str) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Output": {"v": output}, "End": True}}}


def test_a_valid_jsonata_definition_has_no_problems() -> None:
    assert definition_problems(_jsonata_pass("{% $states.input.a %}")) == []


def test_an_unparsable_expression_is_a_problem_statelint_misses() -> None:
    problems = definition_problems(_jsonata_pass("{% $states.input.a + %}"))

    assert len(problems) == 1 and problems[0].startswith("/States/A/Output/v: ") and "S0207" in problems[0]


def test_statelint_problems_are_still_reported() -> None:
    assert definition_problems('{"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}')


def _batched_map(max_items: object) -> dict:
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Each",
                 "States": {"Each": {"Type": "Pass", "End": True}}}
    return {"QueryLanguage": "JSONata", "StartAt": "M",
            "States": {"M": {"Type": "Map", "Items": "{% $states.input.items %}", "ItemProcessor": processor,
                             "ItemBatcher": {"MaxItemsPerBatch": max_items}, "End": True}}}


def test_an_item_batcher_limit_may_be_a_jsonata_expression() -> None:
    assert definition_problems(_batched_map("{% $states.input.size %}")) == []
    assert definition_problems(_batched_map("{% $states.input.size + %}"))  # but one that parses
