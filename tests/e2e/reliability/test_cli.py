"""The reliability commands as an operator types them (sagactl faults/check/chaos/fuzz), on the test stack."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sagactl.__main__ import main as sagactl

pytestmark = pytest.mark.e2e


def endpoint(rs) -> list[str]:
    return ["--endpoint-url", rs.endpoint_url]


def test_faults_set_list_and_clear(rs, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["faults", "set", "process_payment", "--fault", "throttle:0.5", "--fault", "crash_after:0.1",
            "--at", "call:PutItem:3", "--seed", "3", "--max-count", "4", *endpoint(rs)]
    assert sagactl(args) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["function"] == rs.parts.function_name("ProcessPayment")
    assert answer["policy"] == {
        "seed": 3,
        "rules": [
            {"kind": "throttle", "probability": 0.5, "max_count": 4},
            {"kind": "crash_after", "probability": 0.1, "max_count": 4, "at": "call:PutItem:3"},
        ],
    }
    assert sagactl(["faults", "list", *endpoint(rs)]) == 0
    listing = capsys.readouterr().out
    assert rs.parts.function_name("ProcessPayment") in listing and '"kind": "throttle"' in listing
    assert sagactl(["faults", "clear", "ProcessPayment", *endpoint(rs)]) == 0
    assert "cleared the fault policy of checkout-saga-process-payment-dev" in capsys.readouterr().out
    assert rs.control.fault_status().policies == {}


def test_faults_set_explains_what_is_wrong(rs, capsys: pytest.CaptureFixture[str]) -> None:
    assert sagactl(["faults", "set", "payment", "--fault", "throttle", *endpoint(rs)]) == 2
    assert "functions match 'payment'" in capsys.readouterr().err  # process-payment and refund-payment
    assert sagactl(["faults", "set", "confirm_order", "--fault", "throttle:2", *endpoint(rs)]) == 2
    assert "probability must be between 0 and 1" in capsys.readouterr().err
    assert sagactl(["faults", "list", "--endpoint-url", "http://127.0.0.1:9"]) == 2
    assert "cannot reach" in capsys.readouterr().err


def test_check_reports_and_exits_by_its_verdict(rs, capsys: pytest.CaptureFixture[str]) -> None:
    result = rs.checkout(rs.order("happy"))
    assert sagactl(["check", *endpoint(rs), "--execution", result.arn, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["executions"], report["outcomes"], report["violations"]) == (1, {"SUCCEEDED": 1}, [])

    # An order record no execution made (written by hand, as a bug elsewhere would): the verdict turns.
    stray = f"stray-{uuid.uuid4().hex[:10]}"
    key = {"pk": {"S": f"ORDER#{stray}"}, "sk": {"S": "ORDER"}}
    now = datetime.now(UTC).isoformat()
    orders_table = rs.parts.tables.orders
    stray_record = {**key, "status": {"S": "PENDING"}, "created_at": {"S": now}}
    rs.clients.dynamodb.put_item(TableName=orders_table, Item=stray_record)
    try:
        # A window wide enough for a loaded machine (it held 12 s once and missed the record); other tests' records
        # in it may add violations of their own, so only the stray's are asserted.
        assert sagactl(["check", *endpoint(rs), "--since-minutes", "2", "--json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert {v["rule"] for v in report["violations"] if v["order_id"] == stray} == {"effect-owner"}
    finally:
        rs.clients.dynamodb.delete_item(TableName=orders_table, Key=key)


def test_chaos_and_fuzz_commands_print_and_write_their_figures(
    rs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures_file = tmp_path / "chaos.json"
    # Small and fault-free: this is about the command's wiring (test_chaos runs the real thing).
    chaos = ["chaos", *endpoint(rs), "--sagas", "12", "--concurrency", "12", "--redeliveries", "0.3",
             "--fault-rate", "0", "--latency-rate", "0", "--json", str(figures_file)]
    assert sagactl(chaos) == 0
    out = capsys.readouterr().out
    assert "faults injected" in out and "violations: 0" in out
    figures = json.loads(figures_file.read_text())
    assert (figures["settings"]["sagas"], figures["violations"]) == (12, 0)
    assert figures["submissions"] == 12 + figures["redeliveries"]

    assert sagactl(["fuzz", *endpoint(rs), "--examples", "1", "--seed", "1"]) == 0
    assert "inputs fuzzed" in capsys.readouterr().out
