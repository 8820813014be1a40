"""`sagactl executions` and `sagactl trace` end to end on moto: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sagactl.__main__ import main
from sagactl.audit import pictures as pictures_module
from sagactl.audit.pictures import GRAPHVIZ_MISSING
from tests.audit.moto_saga import CHECKOUT_MACHINE_NAME, REGION
from tests.audit.saga_paths import ESCALATED, HAPPY, OUT_OF_STOCK


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 2
    assert err.startswith("sagactl: ") and expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_trace_by_name_prints_the_timeline_and_writes_the_pictures(executed, capsys, tmp_path: Path):
    code, out, _ = run(capsys, "trace", OUT_OF_STOCK.order_id, "--region", REGION, "--out", str(tmp_path))
    assert code == 0
    assert f"Execution  {OUT_OF_STOCK.order_id}" in out
    assert "↩ RefundPayment" in out and "caught InventoryDepletedException → RefundPayment" in out
    assert {p.name for p in tmp_path.iterdir()} >= {f"{OUT_OF_STOCK.order_id}.{ext}" for ext in ("dot", "mmd", "md")}
    for picture in tmp_path.iterdir():
        assert str(picture) in out


def test_trace_json_is_the_whole_trail(executed, capsys, tmp_path: Path):
    arn = executed.arns[ESCALATED.order_id]
    code, out, _ = run(capsys, "trace", arn, "--json", "--out", str(tmp_path))  # region taken from the ARN
    assert code == 0
    document = json.loads(out)
    assert document["execution"]["arn"] == arn
    assert document["execution"]["status"] == "FAILED"
    assert document["execution"]["error"] == "CompensationFailed"
    assert document["path"] == list(executed.trail(ESCALATED).path)
    assert document["compensations_run"] == ["ReleaseInventory", "RefundPayment"]
    refund = next(state for state in document["states"] if state["name"] == "RefundPayment")
    assert refund["compensation"] is True and refund["result"] == "caught" and refund["retries"] == 2
    assert [a["error"] for a in refund["attempts"]] == ["RefundRejected"] * 3
    assert document["pictures"] and all(Path(p).exists() for p in document["pictures"])


def test_trace_compensations_can_be_named_explicitly(executed, capsys):
    arguments = ["trace", HAPPY.order_id, "--region", REGION, "--json", "--no-pictures"]
    code, out, _ = run(capsys, *arguments, "--compensations", "ConfirmOrder")
    assert code == 0
    document = json.loads(out)
    assert document["compensation_states"] == ["ConfirmOrder"]
    assert [s["name"] for s in document["states"] if s["compensation"]] == ["ConfirmOrder"]
    assert document["pictures"] == []


def test_trace_without_graphviz_says_how_to_install_it(executed, capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pictures_module, "find_dot", lambda: None)
    monkeypatch.setattr("sagactl.audit.cli.find_dot", lambda: None)
    code, _, err = run(capsys, "trace", HAPPY.order_id, "--region", REGION, "--out", str(tmp_path))
    assert code == 0
    assert GRAPHVIZ_MISSING in err and "apt-get install graphviz" in err
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".dot", ".md", ".mmd"]


def test_unknown_execution_arn_is_one_clear_line(executed, capsys):
    arn = f"arn:aws:states:{REGION}:123456789012:execution:{CHECKOUT_MACHINE_NAME}:ord-never"
    code, _, err = run(capsys, "trace", arn, "--no-pictures")
    assert_one_line_error(code, err, f"execution not found: {arn}")


def test_unknown_execution_name_is_one_clear_line(executed, capsys):
    code, _, err = run(capsys, "trace", "ord-never", "--region", REGION, "--no-pictures")
    assert_one_line_error(code, err, "no execution named 'ord-never'")


def test_an_arn_that_is_not_an_execution_is_refused(executed, capsys):
    code, _, err = run(capsys, "trace", executed.world.checkout_arn, "--no-pictures")
    assert_one_line_error(code, err, "not an execution ARN")


def test_no_state_machine_in_the_region_is_one_clear_line(executed, capsys):
    code, _, err = run(capsys, "trace", "ord-1", "--region", "us-west-2", "--no-pictures")
    assert_one_line_error(code, err, "no state machine named like 'checkout-saga-checkout'")


def test_executions_lists_status_start_and_duration(executed, capsys):
    code, out, _ = run(capsys, "executions", "--region", REGION)
    assert code == 0
    header, _rule, *rows = out.splitlines()[2:]
    assert header.split() == ["name", "status", "started", "duration"]
    names = {row.split()[0] for row in rows}
    assert {path_id for path_id in executed.arns} <= names
    happy_row = next(row for row in rows if row.startswith(HAPPY.order_id + " "))
    assert "SUCCEEDED" in happy_row and " UTC" in happy_row
    # The retry's wait has FULL jitter (0-1 s): the duration is in ms or s.
    assert re.search(r"UTC  \d+(\.\d+)? m?s$", happy_row.rstrip()), happy_row


def test_executions_filters_by_status_and_pages(executed, capsys):
    code, out, _ = run(capsys, "executions", "--region", REGION, "--status", "failed", "--json", "--max-items", "2")
    assert code == 0
    document = json.loads(out)
    assert len(document["executions"]) == 2 and {e["status"] for e in document["executions"]} == {"FAILED"}
    assert document["next_token"]
    code, out, _ = run(
        capsys, "executions", "--region", REGION, "--status", "FAILED", "--json", "--next-token", document["next_token"]
    )
    rest = json.loads(out)["executions"]
    failed = {e["name"] for e in document["executions"] + rest}
    assert failed == {name for name in executed.arns if name != HAPPY.order_id}


@pytest.mark.parametrize("status", ["SUCCEEDED"])
def test_executions_table_has_no_token_line_when_everything_was_shown(executed, capsys, status):
    code, out, _ = run(capsys, "executions", "--region", REGION, "--status", status)
    assert code == 0 and "--next-token" not in out
