"""`sagactl executions` and `sagactl trace` end to end on moto: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sagactl.__main__ import main
from sagactl.audit import pictures as pictures_module
from sagactl.audit.pictures import GRAPHVIZ_MISSING


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 2
    assert err.startswith("sagactl: ") and expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_trace_by_name_prints_the_timeline_and_writes_the_pictures(executed, paths, capsys, tmp_path: Path):
    order_id = paths.out_of_stock.order_id
    code, out, _ = run(capsys, "trace", order_id, "--region", executed.world.region, "--out", str(tmp_path))
    assert code == 0
    assert f"Execution  {order_id}" in out
    assert "↩ RefundPayment" in out and "caught InventoryDepletedException → RefundPayment" in out
    assert {p.name for p in tmp_path.iterdir()} >= {f"{order_id}.{ext}" for ext in ("dot", "mmd", "md")}
    for picture in tmp_path.iterdir():
        assert str(picture) in out


def test_trace_writes_the_pictures_under_the_name_given(executed, paths, capsys, tmp_path: Path):
    order_id = paths.out_of_stock.order_id
    code, out, _ = run(capsys, "trace", order_id, "--region", executed.world.region, "--out", str(tmp_path),
                       "--name", "compensated-saga")
    assert code == 0 and str(tmp_path / "compensated-saga.md") in out
    assert {p.stem for p in tmp_path.iterdir()} == {"compensated-saga"}
    assert {p.suffix for p in tmp_path.iterdir()} >= {".dot", ".mmd", ".md"}


@pytest.mark.parametrize("name", ["docs/images/x", "", ".."])
def test_a_picture_name_that_is_not_a_file_name_is_refused(capsys, name: str):
    with pytest.raises(SystemExit) as exit_:
        main(["trace", "ord-1", "--no-pictures", "--name", name])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "is not a file name (no directories: use --out for those)" in err and "Traceback" not in err


def test_trace_json_is_the_whole_trail(executed, paths, capsys, tmp_path: Path):
    arn = executed.arns[paths.escalated.order_id]
    code, out, _ = run(capsys, "trace", arn, "--json", "--out", str(tmp_path))  # region taken from the ARN
    assert code == 0
    document = json.loads(out)
    assert document["execution"]["arn"] == arn
    assert document["execution"]["status"] == "FAILED"
    assert document["execution"]["error"] == "CompensationFailed"
    assert document["path"] == list(executed.trail(paths.escalated).path)
    assert document["compensations_run"] == ["ReleaseInventory", "RefundPayment"]
    refund = next(state for state in document["states"] if state["name"] == "RefundPayment")
    assert refund["compensation"] is True and refund["result"] == "caught" and refund["retries"] == 2
    assert [a["error"] for a in refund["attempts"]] == ["RefundRejected"] * 3
    assert document["pictures"] and all(Path(p).exists() for p in document["pictures"])


def test_trace_compensations_can_be_named_explicitly(executed, paths, capsys):
    arguments = ["trace", paths.happy.order_id, "--region", executed.world.region, "--json", "--no-pictures"]
    code, out, _ = run(capsys, *arguments, "--compensations", "ConfirmOrder")
    assert code == 0
    document = json.loads(out)
    assert document["compensation_states"] == ["ConfirmOrder"]
    assert [s["name"] for s in document["states"] if s["compensation"]] == ["ConfirmOrder"]
    assert document["pictures"] == []


def test_trace_without_graphviz_says_how_to_install_it(executed, paths, capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pictures_module, "find_dot", lambda: None)
    monkeypatch.setattr("sagactl.audit.cli.find_dot", lambda: None)
    region = executed.world.region
    code, _, err = run(capsys, "trace", paths.happy.order_id, "--region", region, "--out", str(tmp_path))
    assert code == 0
    assert GRAPHVIZ_MISSING in err and "apt-get install graphviz" in err
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".dot", ".md", ".mmd"]


def test_unknown_execution_arn_is_one_clear_line(executed, capsys):
    arn = executed.world.checkout_arn.replace(":stateMachine:", ":execution:") + ":ord-never"
    code, _, err = run(capsys, "trace", arn, "--no-pictures")
    assert_one_line_error(code, err, f"execution not found: {arn}")


def test_unknown_execution_name_is_one_clear_line(executed, capsys):
    code, _, err = run(capsys, "trace", "ord-never", "--region", executed.world.region, "--no-pictures")
    assert_one_line_error(code, err, "no execution named 'ord-never'")


def test_an_arn_that_is_not_an_execution_is_refused(executed, capsys):
    code, _, err = run(capsys, "trace", executed.world.checkout_arn, "--no-pictures")
    assert_one_line_error(code, err, "not an execution ARN")


def test_no_state_machine_in_the_region_is_one_clear_line(executed, capsys):
    code, _, err = run(capsys, "trace", "ord-1", "--region", "us-west-2", "--no-pictures")
    assert_one_line_error(code, err, "no state machine named like 'checkout-saga-checkout'")


def test_executions_lists_status_start_and_duration(executed, paths, capsys):
    code, out, _ = run(capsys, "executions", "--region", executed.world.region)
    assert code == 0
    header, _rule, *rows = out.splitlines()[2:]
    assert header.split() == ["name", "status", "started", "duration"]
    names = {row.split()[0] for row in rows}
    assert {path_id for path_id in executed.arns} <= names
    happy_row = next(row for row in rows if row.startswith(paths.happy.order_id + " "))
    assert "SUCCEEDED" in happy_row and " UTC" in happy_row
    # The retry's wait has FULL jitter (0-1 s): the duration is in ms or s.
    assert re.search(r"UTC  \d+(\.\d+)? m?s$", happy_row.rstrip()), happy_row


def test_executions_filters_by_status_and_pages(executed, paths, capsys):
    region = executed.world.region
    code, out, _ = run(capsys, "executions", "--region", region, "--status", "failed", "--json", "--max-items", "2")
    assert code == 0
    document = json.loads(out)
    assert len(document["executions"]) == 2 and {e["status"] for e in document["executions"]} == {"FAILED"}
    assert document["next_token"]
    code, out, _ = run(
        capsys, "executions", "--region", region, "--status", "FAILED", "--json", "--next-token", document["next_token"]
    )
    rest = json.loads(out)["executions"]
    failed = {e["name"] for e in document["executions"] + rest}
    assert failed == {name for name in executed.arns if name != paths.happy.order_id}


@pytest.mark.parametrize("status", ["SUCCEEDED"])
def test_executions_table_has_no_token_line_when_everything_was_shown(executed, capsys, status):
    code, out, _ = run(capsys, "executions", "--region", executed.world.region, "--status", status)
    assert code == 0 and "--next-token" not in out


def test_executions_shows_why_each_failed_execution_failed(executed, paths, capsys):
    code, out, _ = run(capsys, "executions", "--region", executed.world.region, "--status", "FAILED")
    assert code == 0
    expected = {
        paths.declined.order_id: "PaymentDeclined",
        paths.out_of_stock.order_id: "OutOfStock",
        paths.invalid.order_id: "OrderInvalid",
        paths.escalated.order_id: "CompensationFailed",
    }
    rows = {row.split()[0]: row for row in out.splitlines()[4:]}
    assert set(rows) == set(expected)
    for order_id, error in expected.items():
        assert f" FAILED ({error}) " in rows[order_id], rows[order_id]
    code, out, _ = run(capsys, "executions", "--region", executed.world.region, "--json")
    errors = {e["name"]: e["error"] for e in json.loads(out)["executions"]}
    assert errors == {**expected, paths.happy.order_id: None}


def test_trace_shows_an_error_cause_whole(world, failure, capsys):
    """However long the cause, the timeline shows all of it (wrapped), on the attempt and in the outcome."""
    lambda_client, sfn = world.clients.client("lambda"), world.clients.stepfunctions
    validate = lambda_client.get_function(FunctionName="validate_order")["Configuration"]["FunctionArn"]
    definition = {"StartAt": "Validate", "States": {"Validate": {"Type": "Task", "Resource": validate, "End": True}}}
    machine = sfn.create_state_machine(  # a machine of its own: the checkout's listing stays as the tests expect
        name="audit-long-cause", definition=json.dumps(definition), roleArn=world.role_arn
    )["stateMachineArn"]
    reason = " ".join(f"reason-{n}" for n in range(60))  # some 550 characters
    arn = world.start("ord-long-cause", {"validate_order": [failure("InvalidOrderException", reason)]}, machine)
    world.wait(arn)
    code, out, _ = run(capsys, "trace", arn, "--no-pictures")
    assert code == 0
    assert " ".join(out.split()).count(reason) == 2  # the failed attempt and the execution's outcome
    assert max(len(line) for line in out.splitlines()) <= 120
