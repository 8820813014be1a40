"""The reliability commands' arguments, read without a stack: fault specs, stock files, function names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.lambda_runtime.faults import FaultRule, FaultSpecError, RandomFaults
from sagactl.__main__ import build_parser
from sagactl.discovery import StackNotFound
from sagactl.reliability import cli


def fault_rules(*arguments: str) -> tuple[FaultRule, ...]:
    args = build_parser().parse_args(["faults", "set", "process_payment", *arguments])
    return tuple(cli._fault_rule(spec, args) for spec in args.fault)


def test_a_fault_spec_is_a_kind_and_a_probability_with_the_options_of_its_kind() -> None:
    rules = fault_rules("--fault", "throttle:0.5", "--fault", "crash_after:0.1", "--at", "call:PutItem:3",
                        "--fault", "latency", "--latency-ms", "40-80", "--latency-at", "init", "--max-count", "4")
    policy = RandomFaults(0, rules).to_json()["rules"]
    assert policy == [
        {"kind": "throttle", "probability": 0.5, "max_count": 4},
        {"kind": "crash_after", "probability": 0.1, "max_count": 4, "at": "call:PutItem:3"},
        {"kind": "latency", "probability": 1.0, "max_count": 4, "at": "init", "latency_ms": [40, 80]},
    ]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (["--fault", "meteor"], ValueError, "unknown fault kind 'meteor'; kinds: fail_before, crash_after"),
        (["--fault", "throttle:2"], FaultSpecError, "probability must be between 0 and 1"),
        (["--fault", "crash_after", "--at", "middle"], FaultSpecError, "start, end, call:N"),
    ],
)
def test_a_bad_fault_spec_says_what_is_wrong(arguments: list[str], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        fault_rules(*arguments)


@pytest.mark.parametrize("stock", [[{"sku": "A", "stock": 3}], {"A": 3}], ids=["list", "mapping"])
def test_initial_stock_is_a_list_of_levels_or_a_mapping(stock: Any, tmp_path: Path) -> None:
    path = tmp_path / "stock.json"
    path.write_text(json.dumps(stock))
    assert cli._read_stock(path) == {"A": 3}


@pytest.mark.parametrize("stock", ['[{"sku": "A"}]', '{"A": "many"}', "[1, 2]", "7"])
def test_an_initial_stock_of_another_shape_is_refused_by_name(stock: str, tmp_path: Path) -> None:
    path = tmp_path / "stock.json"
    path.write_text(stock)
    with pytest.raises(ValueError, match=r"stock\.json: expected"):
        cli._read_stock(path)


class Functions:
    """Just enough of AwsClients for ListFunctions."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def client(self, service: str) -> Any:
        assert service == "lambda"
        return self

    def get_paginator(self, operation: str) -> Any:
        assert operation == "list_functions"
        return self

    def paginate(self) -> list[dict[str, Any]]:
        return [{"Functions": [{"FunctionName": name} for name in self.names]}]


STACK_FUNCTIONS = Functions("checkout-saga-process-payment-dev", "checkout-saga-refund-payment-dev", "other")


@pytest.mark.parametrize("given", ["process_payment", "ProcessPayment", "process-payment"])
def test_a_function_is_found_by_its_module_or_its_step(given: str) -> None:
    assert cli.resolve_function(STACK_FUNCTIONS, given) == "checkout-saga-process-payment-dev"
    assert cli.resolve_function(STACK_FUNCTIONS, "other") == "other"


def test_an_ambiguous_or_unknown_function_names_the_candidates() -> None:
    with pytest.raises(StackNotFound, match="2 functions match 'payment'"):
        cli.resolve_function(STACK_FUNCTIONS, "payment")
    with pytest.raises(StackNotFound, match="0 functions match 'nope': none"):
        cli.resolve_function(STACK_FUNCTIONS, "nope")
