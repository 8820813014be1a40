"""JSONPaths parsed once do what moto's code does (speed-up sfn-json-path-cache).

moto's own extraction first, then the same paths three times with the speed-up installed: the same values, or the
same error; one parse per text; an invalid path fails every time. In a fresh interpreter (the speed-up patches moto
process-wide).
"""

from __future__ import annotations

from typing import Any

DATA = {"order": {"order_id": "o-1", "items": [{"sku": "KB-1", "qty": 1}, {"sku": "MS-2", "qty": 3}]},
        "payment": {"payment_id": "pay-1"}, "empty": []}
# What the saga's definitions use, and moto's other path forms: slices, filters, deep scans, a missing key.
PATHS = ["$", "$.order", "$.order.order_id", "$.order.items[0].sku", "$.order.items[1:]", "$.order.items[*].sku",
         "$..sku", "$.order.items[?(@.qty > 1)].sku", "$.payment", "$.empty", "$.missing"]

SCRIPT = """
import json, sys
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.utils import json_path
from emulator.speedups import json_path_cache

given = json.load(sys.stdin)
data, paths = given["data"], given["paths"]


def extract(path):
    try:
        return json_path.extract_json(path, json.loads(json.dumps(data)))
    except Exception as error:
        return [type(error).__name__, str(error)]


motos = [extract(path) for path in paths]
parses = []
for module in (json_path, result_path):
    def counting(text, *rest, original=module.parse):
        parses.append(text)
        return original(text, *rest)
    module.parse = counting
json_path_cache.EXTENSION.install()
emulators = [[extract(path) for _ in range(3)] for path in paths]
shared = result_path.parse("$.payment") is result_path.parse("$.payment")
invalid = 0
for _ in range(2):
    try:
        json_path.parse("$.[")
    except Exception:
        invalid += 1
print(json.dumps({"moto": motos, "emulator": emulators, "parses": parses, "shared": shared, "invalid": invalid}))
"""


def test_a_path_extracts_what_moto_extracts_with_one_parse_per_text(run_python) -> None:
    found: dict[str, Any] = run_python(SCRIPT, {"data": DATA, "paths": PATHS})

    for path, moto, emulator in zip(PATHS, found["moto"], found["emulator"], strict=True):
        assert emulator == [moto, moto, moto], path
    assert found["moto"][PATHS.index("$.missing")][0] == "NoSuchJsonPathError"
    assert found["parses"] == [*PATHS, "$.payment", "$.[", "$.["]  # each text once; a failing one each time
    assert found["shared"] is True and found["invalid"] == 2
