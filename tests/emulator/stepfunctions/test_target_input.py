"""emulator/stepfunctions/target_input.py: a rule target's input as EventBridge builds it."""

from __future__ import annotations

import json

from emulator.stepfunctions.target_input import target_input

EVENT = {
    "id": "e-1",
    "source": "aws.states",
    "detail-type": "Step Functions Execution Status Change",
    "detail": {"executionArn": "arn:exec", "status": "ABORTED", "input": '{"order_id": "o-1", "n": 2}', "n": 3},
}


def test_the_rollback_template_passes_the_input_text_as_a_json_string():
    transformer = {
        "InputPathsMap": {"input": "$.detail.input", "execution": "$.detail.executionArn", "status": "$.detail.status"},
        "InputTemplate": '{"originalInput": <input>, "originExecutionArn": <execution>, "reason": <status>}',
    }
    rendered = json.loads(target_input({"InputTransformer": transformer}, EVENT, "rule", "arn:rule"))
    assert rendered == {"originalInput": '{"order_id": "o-1", "n": 2}', "originExecutionArn": "arn:exec",
                        "reason": "ABORTED"}


def test_inside_quotes_values_are_spliced_into_the_string():
    transformer = {
        "InputPathsMap": {"status": "$.detail.status", "n": "$.detail.n", "input": "$.detail.input"},
        "InputTemplate": '{"text": "<status> after <n>: <input>", "rule": "<aws.events.rule-name>"}',
    }
    rendered = json.loads(target_input({"InputTransformer": transformer}, EVENT, "my-rule", "arn:rule"))
    assert rendered["text"] == 'ABORTED after 3: {"order_id": "o-1", "n": 2}'
    assert rendered["rule"] == "my-rule"


def test_a_path_that_selects_nothing_inserts_null():
    transformer = {"InputPathsMap": {"gone": "$.detail.gone"}, "InputTemplate": '{"gone": <gone>, "s": "<gone>"}'}
    assert json.loads(target_input({"InputTransformer": transformer}, EVENT, "r", "a")) == {"gone": None, "s": ""}


def test_input_and_input_path_and_the_default_whole_event():
    assert target_input({"Input": '{"fixed": true}'}, EVENT, "r", "a") == '{"fixed": true}'
    assert json.loads(target_input({"InputPath": "$.detail"}, EVENT, "r", "a")) == EVENT["detail"]
    assert json.loads(target_input({}, EVENT, "r", "a")) == EVENT
