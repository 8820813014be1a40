"""Definitions are parsed once and the program is shared by executions; their retry state stays their own."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from devstack.emulator_process import EmulatorProcess


def test_a_definition_is_parsed_once_and_errors_are_not_kept(in_patched_moto) -> None:
    found = in_patched_moto("""
        import json
        from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException
        definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
        first, again = AmazonStateLanguageParser.parse(definition), AmazonStateLanguageParser.parse(definition)
        failures = 0
        for _ in range(2):
            try:
                AmazonStateLanguageParser.parse("{not json")
            except ASLParserException:
                failures += 1
        print(json.dumps({"shared": first is again, "failures": failures}))
    """)

    assert found == {"shared": True, "failures": 2}


def test_concurrent_executions_of_one_definition_count_their_own_retries(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    function = create_function("def handler(event, context):\n    raise RuntimeError('always')\n")
    definition = {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": f"arn:aws:lambda:eu-west-1:123456789012:function:{function}", "End": True,
        "Retry": [{"ErrorEquals": ["RuntimeError"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}],
    }}}
    sfn = emulator.client("stepfunctions")
    machine = sfn.create_state_machine(name=kit.unique_name("retries"), definition=json.dumps(definition),
                                       roleArn=kit.role_arn)["stateMachineArn"]

    def attempts() -> int:
        arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
        while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
            time.sleep(0.1)
        events = sfn.get_execution_history(executionArn=arn)["events"]
        return sum(event["type"] == "LambdaFunctionScheduled" for event in events)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda _: attempts(), range(4))) == [3, 3, 3, 3]  # 1 + MaxAttempts each
