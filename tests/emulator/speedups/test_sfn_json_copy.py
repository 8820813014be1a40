"""json_deepcopy copies JSON values like copy.deepcopy, hands anything else to it, and is what the interpreter
modules that copy state data use once the emulator's extensions are installed."""

from __future__ import annotations

import copy
import datetime
import os
import subprocess
import sys
from collections import OrderedDict
from typing import Any

from emulator.sfn_json_copy import json_copy_module, json_deepcopy

from emulator import performance

ORDER: dict[str, Any] = {
    "order_id": "o-1",
    "items": [{"sku": "KB-1", "quantity": 2, "price": 19.5}],
    "gift": False,
    "note": None,
    "nested": {"deeper": [[1, 2], {"k": "v"}]},
}


def test_a_json_value_is_copied_equal_and_independent() -> None:
    copied = json_deepcopy(ORDER)
    assert copied == ORDER == copy.deepcopy(ORDER)
    copied["items"][0]["quantity"] = 99
    copied["nested"]["deeper"][0].append(3)
    assert ORDER["items"][0]["quantity"] == 2 and ORDER["nested"]["deeper"][0] == [1, 2]


def test_values_that_are_not_json_go_to_copy_deepcopy() -> None:
    class Program:
        def __init__(self) -> None:
            self.state = {"running": True}

    program = Program()
    ordered = OrderedDict(a=[1])
    value = {"program": program, "at": datetime.datetime(2026, 1, 1), "ordered": ordered, "pair": (1, [2])}
    copied = json_deepcopy(value)
    assert copied["program"] is not program and copied["program"].state == {"running": True}
    assert type(copied["ordered"]) is OrderedDict and copied["ordered"]["a"] is not ordered["a"]
    assert copied["at"] == value["at"] and copied["pair"] == (1, [2]) and copied["pair"][1] is not value["pair"][1]


def test_the_stand_in_module_is_copy_with_our_deepcopy() -> None:
    assert json_copy_module.deepcopy is json_deepcopy
    assert json_copy_module.copy is copy.copy and json_copy_module.Error is copy.Error


INSTALLED = """
from emulator import moto_extensions
from emulator.sfn_json_copy import json_copy_module
moto_extensions.install()
from moto.stepfunctions.parser.asl.eval import states
order = {"items": [{"sku": "KB-1"}]}
data = states.States(context={"Execution": {"Input": order}})
read = data.get_input()
read["items"].clear()
print(states.copy is json_copy_module, data.get_input() == order)
"""


def test_the_interpreter_modules_copy_state_with_it_once_installed() -> None:
    # In a process of its own: install() patches moto for the life of the process.
    env = {key: value for key, value in os.environ.items() if key != performance.SWITCH_VARIABLE}
    completed = subprocess.run(
        [sys.executable, "-c", INSTALLED], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["True", "True"]
