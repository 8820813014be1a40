"""Update expressions parsed once do what moto's code does (speed-up dynamodb-update-parsed-once).

Each case runs through moto's backend (DynamoDBBackend.update_item: parse, validate, normalize, execute) with
moto's own code, then three times with the speed-up installed: the same item after, or the same error; one parse
per text; and a shared tree left as parsed. In a fresh interpreter (the speed-up patches moto process-wide).
"""

from __future__ import annotations

from typing import Any

SCRIPT = """
import copy, json, sys
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.parsing.ast_nodes import Node
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from emulator.speedups import update_expression_cache

given = json.load(sys.stdin)
cases, key = given["cases"], given["key"]


def update(before, expression, names, values):
    backend = DynamoDBBackend("eu-west-1", "123456789012")
    backend.create_table(
        "orders", schema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        throughput=None, attr=[{"AttributeName": "pk", "AttributeType": "S"},
                               {"AttributeName": "sk", "AttributeType": "S"}],
        global_indexes=None, indexes=None, streams=None, billing_mode="PAY_PER_REQUEST", sse_specification=None,
        tags=[], deletion_protection_enabled=False, warm_throughput=None,
    )
    if before is not None:
        backend.put_item("orders", copy.deepcopy(before))
    try:
        item = backend.update_item("orders", copy.deepcopy(key), expression, copy.deepcopy(names),
                                   copy.deepcopy(values))
    except Exception as error:
        return [type(error).__name__, str(error)]
    return item.to_json()["Attributes"]


def shape(node):
    if isinstance(node, Node):
        return [type(node).__name__, {n: shape(v) for n, v in vars(node).items() if n != "parent"}]
    if isinstance(node, list):
        return [shape(child) for child in node]
    return repr(node)


motos = [update(*case) for case in cases]
parses = []
make = UpdateExpressionParser.make.__func__


def counting_make(cls, expression_str):
    parses.append(expression_str)
    return make(cls, expression_str)


UpdateExpressionParser.make = classmethod(counting_make)
update_expression_cache.EXTENSION.install()
emulators = [[update(*case) for _ in range(3)] for case in cases]
left_as_parsed = all(
    shape(UpdateExpressionParser.make(case[1])) == shape(make(UpdateExpressionParser, case[1])) for case in cases
)
invalid = 0
for _ in range(2):
    try:
        UpdateExpressionParser.make("SET = :a")
    except Exception as error:
        invalid += "Invalid UpdateExpression" in str(error)
print(json.dumps({"moto": motos, "emulator": emulators, "parses": parses, "left_as_parsed": left_as_parsed,
                  "invalid": invalid}))
"""


def test_an_update_does_what_moto_does_with_one_parse_per_text(run_python, update_cases) -> None:
    key, cases = update_cases
    found: dict[str, Any] = run_python(SCRIPT, {"cases": cases, "key": key})

    for case, moto, emulator in zip(cases, found["moto"], found["emulator"], strict=True):
        assert emulator == [moto, moto, moto], case[1]
    distinct = list(dict.fromkeys(case[1] for case in cases))
    assert found["parses"][: len(distinct)] == distinct  # the first update of each text parses; the others share
    assert found["parses"].count("SET = :a") == 2 and len(found["parses"]) == len(distinct) + 2
    assert found["left_as_parsed"] is True and found["invalid"] == 2
