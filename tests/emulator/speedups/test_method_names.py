"""moto's action methods listed once per response class (speed-up moto-method-names): the same names, one listing."""

from __future__ import annotations

SCRIPT = """
import json
from moto.core import responses, utils
from moto.dynamodb.responses import DynamoHandler
from moto.stepfunctions.responses import StepFunctionResponse
from emulator.speedups import method_names

listings = []
original = responses.method_names_from_class


def counting(clazz):
    listings.append(clazz.__name__)
    return original(clazz)


responses.method_names_from_class = counting
method_names.EXTENSION.install()
answers = [sorted(responses.method_names_from_class(clazz)) for clazz in (DynamoHandler, StepFunctionResponse) * 3]
print(json.dumps({"answers": answers, "moto": [sorted(utils.method_names_from_class(c))
                                                for c in (DynamoHandler, StepFunctionResponse)],
                  "listings": listings}))
"""


def test_each_class_is_listed_once_with_motos_answer(run_python) -> None:
    found = run_python(SCRIPT)

    assert found["answers"] == found["moto"] * 3
    assert "get_item" in found["moto"][0] and "start_execution" in found["moto"][1]
    assert found["listings"] == ["DynamoHandler", "StepFunctionResponse"]
