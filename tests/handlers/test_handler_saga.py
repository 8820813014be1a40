"""The handlers chained the way the state machine chains them, with the state of every table checked."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import confirm_order
import process_payment
import pytest
import refund_payment
import release_inventory
import reserve_inventory
import validate_order
from checkout_domain.errors import InvalidOrderException, InventoryDepletedException, PaymentDeclinedException
from checkout_domain.inventory import seed_stock

pytestmark = pytest.mark.usefixtures("aws")
TOTAL = 12999 + 2 * 4999


def step(handler: Any, state: dict[str, Any], context: Any) -> dict[str, Any]:
    """What a Task state passes (order + results) and keeps (ResultPath $.results.<Step>)."""
    return handler.lambda_handler({"order": state["order"], "results": state["results"]}, context)


def start(context: Any, order: dict[str, Any]) -> dict[str, Any]:
    return {"order": validate_order.lambda_handler(order, context), "results": {}}


def test_happy_path_charges_reserves_and_confirms(context, tables, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 10}, {"sku": "MOUSE-ERGO-02", "stock": 10}])
    state = start(context, raw_order())

    state["results"]["ProcessPayment"] = step(process_payment, state, context)
    state["results"]["ReserveInventory"] = step(reserve_inventory, state, context)
    output = step(confirm_order, state, context)

    assert output["status"] == "CONFIRMED"
    assert output["payment_id"] == state["results"]["ProcessPayment"]["payment_id"]
    assert output["reservation_id"] == state["results"]["ReserveInventory"]["reservation_id"]
    [charge] = tables.ledger_entries("ord-1001")
    assert (charge["amount_minor"], charge["refunded_minor"]) == (TOTAL, 0)
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (9, 8)
    reservation = tables.reservation_record("ord-1001")
    assert reservation is not None and reservation["status"] == "RESERVED"
    order = tables.order_record("ord-1001")
    assert order is not None
    assert (order["status"], order["confirmation_id"]) == ("CONFIRMED", output["confirmation_id"])


def test_out_of_stock_refunds_the_payment_and_fails_the_order(context, tables, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 0}, {"sku": "MOUSE-ERGO-02", "stock": 10}])
    state = start(context, raw_order())
    state["results"]["ProcessPayment"] = step(process_payment, state, context)

    with pytest.raises(InventoryDepletedException):
        step(reserve_inventory, state, context)
    # A business error did nothing: the rollback enters at the previous step's compensation.
    refunded = step(refund_payment, state, context)

    assert refunded["status"] == "REFUNDED" and refunded["amount_minor"] == TOTAL
    assert [e["entry_type"] for e in tables.ledger_entries("ord-1001")] == ["CHARGE", "REFUND"]
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (0, 10)
    assert tables.reservation_record("ord-1001") is None
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


def test_an_unknown_outcome_rolls_back_both_steps(context, tables, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 10}, {"sku": "MOUSE-ERGO-02", "stock": 10}])
    state = start(context, raw_order())
    state["results"]["ProcessPayment"] = step(process_payment, state, context)
    step(reserve_inventory, state, context)  # it worked, but the state machine saw a timeout: no result kept

    released = step(release_inventory, state, context)
    refunded = step(refund_payment, state, context)

    assert (released["status"], refunded["status"]) == ("RELEASED", "REFUNDED")
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (10, 10)
    [charge] = [e for e in tables.ledger_entries("ord-1001") if e["entry_type"] == "CHARGE"]
    assert charge["refunded_minor"] == TOTAL
    order = tables.order_record("ord-1001")
    assert order is not None and order["status"] == "FAILED"


@pytest.fixture
def rendered_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Everything the handlers log, rendered by powertools' own formatter (extras included), plus every
    library's records at DEBUG."""
    caplog.set_level(logging.DEBUG)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(validate_order.logger.registered_formatter)
    service_logger = logging.getLogger(validate_order.logger.name)  # all handlers share the service logger
    previous_level = service_logger.level
    service_logger.addHandler(handler)
    service_logger.setLevel(logging.DEBUG)
    yield sink
    service_logger.removeHandler(handler)
    service_logger.setLevel(previous_level)


def test_the_payment_token_is_never_logged_or_returned_after_validation(
    context, rendered_logs, caplog, capsys, monkeypatch, tables, raw_order, secret_token
):
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")  # must not matter: the handlers refuse it
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 1}, {"sku": "MOUSE-ERGO-02", "stock": 10}])
    declined_token = "tok_chargeDeclinedInsufficientFunds"
    outputs: list[Any] = []
    errors: list[Exception] = []

    happy = start(context, raw_order())  # a confirmed order
    happy["results"]["ProcessPayment"] = step(process_payment, happy, context)
    happy["results"]["ReserveInventory"] = step(reserve_inventory, happy, context)
    outputs += [*happy["results"].values(), step(confirm_order, happy, context)]

    rolled_back = start(
        context, raw_order("ord-2", items=[{"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 5}])
    )
    outputs.append(step(process_payment, rolled_back, context))
    with pytest.raises(InventoryDepletedException) as depleted:
        step(reserve_inventory, rolled_back, context)
    outputs += [step(release_inventory, rolled_back, context), step(refund_payment, rolled_back, context)]

    with pytest.raises(PaymentDeclinedException) as declined:
        step(process_payment, start(context, raw_order("ord-3", payment_token=declined_token)), context)
    with pytest.raises(InvalidOrderException) as invalid:
        validate_order.lambda_handler(raw_order("ord 4") | {secret_token: 1}, context)
    errors += [depleted.value, declined.value, invalid.value]

    logged = rendered_logs.getvalue()
    assert "Payment charged" in logged and "Inventory reserved" in logged and "Order rejected" in logged
    printed = capsys.readouterr()
    for token in (secret_token, declined_token):
        assert token not in repr(outputs)
        assert all(token not in str(error) for error in errors)
        assert token not in logged
        assert token not in caplog.text
        assert all(token not in repr(record.__dict__) for record in caplog.records)
        assert token not in printed.out + printed.err
    for metric in ("PaymentCharged", "InventoryReserved", "OrderConfirmed", "CompensationRun", "PaymentRefunded"):
        assert f'"{metric}"' in printed.out, metric  # EMF lines, flushed by @metrics.log_metrics
