"""The example orders, and the one bridge to the checkout domain (loaded from handlers/, not from sys.path)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from devstack.emulator_process import PROJECT_ROOT
from devstack.orders import EXAMPLES, example_order, fixture_stock


def test_every_example_is_a_fresh_copy_with_the_id_asked_for() -> None:
    first = example_order("happy", order_id="ord-x")
    first["items"].clear()

    assert example_order("happy", order_id="ord-y")["items"] and example_order("happy")["order_id"] == "ord-1001"
    assert {name: bool(example_order(name)["items"]) for name in EXAMPLES} == dict.fromkeys(EXAMPLES, True)


def test_an_unknown_example_names_the_ones_there_are() -> None:
    with pytest.raises(ValueError, match="no example order 'refund'; examples: happy, out-of-stock, declined"):
        example_order("refund")


def test_the_fixture_stocks_every_sku_the_examples_order_and_leaves_the_keyboard_out() -> None:
    stock = {level["sku"]: level["stock"] for level in fixture_stock()}
    ordered = {item["sku"] for name in EXAMPLES for item in example_order(name)["items"]}

    assert ordered <= set(stock)
    assert stock["KB-MECH-01"] == 0 and example_order("out-of-stock")["items"][0]["sku"] == "KB-MECH-01"


def test_the_domain_is_loaded_from_handlers_without_touching_sys_path() -> None:
    script = (
        "import sys; before = list(sys.path)\n"
        "from devstack.domain import domain_module\n"
        "inventory = domain_module('inventory')\n"
        "import checkout_domain.inventory as same\n"
        "assert inventory is same, 'one module, whoever imports it'\n"
        "assert sys.path == before, 'sys.path changed'\n"
        "import importlib.util; assert importlib.util.find_spec('process_payment') is None, 'handlers/ importable'\n"
        "print(inventory.__file__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(PROJECT_ROOT / "handlers" / "checkout_domain" / "inventory.py")
