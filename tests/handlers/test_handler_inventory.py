"""reserve_inventory / release_inventory: stock moves all-or-nothing, never below zero, and exactly once."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
import release_inventory
import reserve_inventory
from botocore.stub import Stubber
from checkout_domain import dynamodb, inventory
from checkout_domain.errors import InventoryDepletedException, OrderStateConflictException, TransientError
from checkout_domain.inventory import seed_stock
from checkout_domain.models import Order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.dynamodb.models import DynamoDBBackend

pytestmark = pytest.mark.usefixtures("aws")


def one_line(sku: str, quantity: int) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "unit_price_minor": 100}


@pytest.fixture
def reserve(step_event):
    """`reserve(order, context)`: ReserveInventory for the order."""

    def reserve(order: dict[str, Any], context: Any) -> dict[str, Any]:
        return reserve_inventory.lambda_handler(step_event(order), context)

    return reserve


@pytest.fixture
def release(step_event):
    """`release(order, context, **results)`: ReleaseInventory for the order, after the steps that produced
    `results`."""

    def release(order: dict[str, Any], context: Any, **results: Any) -> dict[str, Any]:
        return release_inventory.lambda_handler(step_event(order, **results), context)

    return release


def test_reserving_takes_every_line_out_of_stock_and_records_the_reservation(context, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])

    result = reserve(raw_order(), context)

    assert result == {
        "reservation_id": result["reservation_id"],
        "items": [{"sku": "KB-MECH-01", "quantity": 1}, {"sku": "MOUSE-ERGO-02", "quantity": 2}],
        "status": "RESERVED",
    }
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (2, 3)
    record = tables.reservation_record("ord-1001")
    assert record is not None
    assert (record["reservation_id"], record["status"]) == (result["reservation_id"], "RESERVED")


def test_exactly_the_last_units_can_be_reserved(context, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 1}, {"sku": "MOUSE-ERGO-02", "stock": 2}])

    reserve(raw_order(), context)

    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (0, 0)


def test_not_enough_stock_names_the_short_skus_and_writes_nothing(context, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 5}, {"sku": "MOUSE-ERGO-02", "stock": 1}])
    before = tables.all_items(tables.inventory)
    order = raw_order(items=[one_line("KB-MECH-01", 2), one_line("MOUSE-ERGO-02", 2), one_line("NO-SUCH-SKU", 1)])

    with pytest.raises(InventoryDepletedException) as depleted:
        reserve(order, context)

    assert depleted.value.skus == ["MOUSE-ERGO-02", "NO-SUCH-SKU"]
    assert "MOUSE-ERGO-02" in str(depleted.value) and "NO-SUCH-SKU" in str(depleted.value)
    assert tables.all_items(tables.inventory) == before  # KB-MECH-01 was not taken either


def test_two_orders_racing_for_the_last_unit_cannot_both_win(monkeypatch, tables, reserve, raw_order, lambda_context):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 1}])
    # moto's in-memory transactions are not atomic across threads (real DynamoDB serializes conflicting
    # transactions, rejecting one with TransactionConflict, which is mapped to TransientError). Serialize
    # them like DynamoDB would; the conditional write must still let exactly one order through.
    lock = threading.Lock()
    original = DynamoDBBackend.transact_write_items

    def serialized(self, *args, **kwargs):
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", serialized)
    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def checkout(order_id: str) -> None:
        order = raw_order(order_id, items=[one_line("KB-MECH-01", 1)])
        start.wait()
        try:
            outcomes[order_id] = reserve(order, lambda_context(aws_request_id=order_id))
        except Exception as exc:
            outcomes[order_id] = exc

    threads = [threading.Thread(target=checkout, args=(order_id,)) for order_id in ("ord-a", "ord-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [o for o in outcomes.values() if isinstance(o, dict) and o["status"] == "RESERVED"]
    losers = [o for o in outcomes.values() if isinstance(o, InventoryDepletedException)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert tables.stock("KB-MECH-01") == 0
    assert [tables.reservation_record(o) is not None for o in ("ord-a", "ord-b")].count(True) == 1


def test_a_transaction_conflict_is_a_transient_error(context, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 5}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    with Stubber(dynamodb.client()) as stubber:
        stubber.add_client_error(
            "transact_write_items",
            service_error_code="TransactionCanceledException",
            modeled_fields={
                "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}, {"Code": "None"}]
            },
        )
        with pytest.raises(TransientError):
            reserve(raw_order(), context)

    assert reserve(raw_order(), context)["status"] == "RESERVED"  # the retry is not blocked


def test_reserving_again_after_the_idempotency_record_expired_takes_no_more_stock(context, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])

    first = reserve(raw_order(), context)
    tables.forget_idempotency_records()
    again = reserve(raw_order(), context)

    assert again == first
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (2, 3)


def test_release_puts_the_stock_back_and_marks_the_reservation_released(context, tables, reserve, release, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    reserved = reserve(raw_order(), context)

    result = release(raw_order(), context, ReserveInventory=reserved)

    assert result == {"status": "RELEASED", "reservation_id": reserved["reservation_id"], "items": reserved["items"]}
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)
    record = tables.reservation_record("ord-1001")
    assert record is not None and record["status"] == "RELEASED"


def test_releasing_twice_restores_the_stock_once(context, tables, reserve, release, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    reserve(raw_order(), context)

    first = release(raw_order(), context)
    replayed = release(raw_order(), context)
    tables.forget_idempotency_records()  # past the powertools TTL: only the reservation's status guards the stock
    after_expiry = release(raw_order(), context)

    assert first == replayed == after_expiry
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)


def test_two_releases_racing_put_the_stock_back_once(context, monkeypatch, tables, reserve, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    reserve(raw_order(), context)
    client = dynamodb.client()
    reservation_key = {"pk": {"S": "ORDER#ord-1001"}, "sk": {"S": "RESERVATION"}}
    read_before_either_wrote = client.get_item(TableName=tables.inventory, Key=reservation_key, ConsistentRead=True)

    first = inventory.release("ord-1001")
    # The second release read the reservation before the first one wrote: it still sees RESERVED.
    monkeypatch.setattr(client, "get_item", lambda **_: read_before_either_wrote)
    second = inventory.release("ord-1001")

    assert first == second and second is not None and second.status == "RELEASED"
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)


def test_release_finds_the_reservation_by_order_id_when_the_reserve_step_outcome_is_unknown(
    context, tables, reserve, release, raw_order
):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    reserve(raw_order(), context)  # the step "timed out": its result never reached the state machine

    result = release(raw_order(), context)  # so results has no ReserveInventory

    assert result["status"] == "RELEASED"
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)


def test_release_with_no_reservation_moves_no_stock_and_refuses_a_later_reservation(
    context, tables, reserve, release, raw_order
):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])

    assert release(raw_order(), context) == {"status": "NOTHING_TO_RELEASE"}
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)

    # A ReserveInventory that runs after the rollback (a redelivery, or a step that outlived its task) would
    # hold stock that no compensation releases any more.
    tables.forget_idempotency_records()
    with pytest.raises(OrderStateConflictException):
        reserve(raw_order(), context)
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)
    assert release(raw_order(), context) == {"status": "NOTHING_TO_RELEASE"}  # and a repeat stays a no-op


def test_a_reservation_that_lands_while_releasing_nothing_is_released(
    context, monkeypatch, tables, release, raw_order, normalized
):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    client = dynamodb.client()
    get_item = client.get_item

    def reservation_lands_after_the_read(**kwargs):
        response = get_item(**kwargs)
        inventory.reserve(Order.from_json(normalized(raw_order())))
        return response

    monkeypatch.setattr(client, "get_item", reservation_lands_after_the_read)
    result = release(raw_order(), context)

    assert result["status"] == "RELEASED" and result["items"]
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)


def test_an_order_cannot_be_reserved_again_after_its_release(context, tables, reserve, release, raw_order):
    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    reserve(raw_order(), context)
    release(raw_order(), context)
    tables.forget_idempotency_records()

    with pytest.raises(OrderStateConflictException):
        reserve(raw_order(), context)

    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (3, 5)


def test_seed_stock_validates_the_whole_fixture_before_writing(tables):
    with pytest.raises(ValueError, match="only once"):
        seed_stock(tables.inventory, [{"sku": "A", "stock": 1}, {"sku": "A", "stock": 2}])
    with pytest.raises(ValueError, match="entry 1: stock"):
        seed_stock(tables.inventory, [{"sku": "A", "stock": 1}, {"sku": "B", "stock": -1}])
    with pytest.raises(ValueError, match="entry 0: stock"):
        seed_stock(tables.inventory, [{"sku": "A", "stock": "7"}])
    with pytest.raises(ValueError, match="entry 0: sku"):
        seed_stock(tables.inventory, [{"sku": "bad sku", "stock": 1}])
    assert tables.all_items(tables.inventory) == []

    assert seed_stock(tables.inventory, [{"sku": "A", "stock": 0}, {"sku": "B", "stock": 7}]) == 2
    assert (tables.stock("A"), tables.stock("B")) == (0, 7)


# --- property: whatever sequence of reservations and releases, stock is conserved and never negative ---

SKUS = ["S-1", "S-2", "S-3"]
order_lines = st.dictionaries(st.sampled_from(SKUS), st.integers(min_value=1, max_value=4), min_size=1)
examples = itertools.count()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initial=st.lists(st.integers(min_value=0, max_value=6), min_size=3, max_size=3),
    orders=st.lists(order_lines, min_size=1, max_size=4),
    steps=st.lists(st.tuples(st.sampled_from(["reserve", "release"]), st.integers(0, 3)), max_size=12),
)
def test_stock_is_conserved_and_never_negative(context, initial, orders, steps, tables, reserve, release, raw_order):
    # One set of tables serves every example, so each example works in its own SKU/order namespace.
    run = f"run{next(examples)}"
    skus = {sku: f"{run}-{sku}" for sku in SKUS}
    seed_stock(tables.inventory, [{"sku": skus[sku], "stock": level} for sku, level in zip(SKUS, initial, strict=True)])
    held: dict[int, dict[str, int]] = {}  # what each order holds, per the handlers' answers
    released: set[int] = set()

    for action, number in steps:
        lines = orders[number % len(orders)]
        order = raw_order(f"{run}-o{number}", items=[one_line(skus[sku], q) for sku, q in lines.items()])
        if action == "release":
            release(order, context)  # with or without a reservation, the order is closed from here on
            held.pop(number, None)
            released.add(number)
            continue
        try:
            result = reserve(order, context)
        except InventoryDepletedException:
            continue
        except OrderStateConflictException:
            assert number in released  # only a released order refuses a reservation
            continue
        if number not in released:
            held[number] = {item["sku"]: item["quantity"] for item in result["items"]}
        # else: the idempotency record replayed the reservation made before the release: no stock moved,
        # which the conservation check below verifies.

    for sku, level in zip(SKUS, initial, strict=True):
        available = tables.stock(skus[sku])
        assert available is not None and available >= 0
        assert available + sum(h.get(skus[sku], 0) for h in held.values()) == level


def test_release_never_puts_back_the_stock_of_a_confirmed_order(
    context, tables, reserve, release, raw_order, step_event
):
    import confirm_order
    import process_payment

    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reserved = reserve(raw_order(), context)
    results = {"ProcessPayment": payment, "ReserveInventory": reserved}
    confirm_order.lambda_handler(step_event(raw_order(), **results), context)

    # A redelivery of the same order that failed after the pivot rolls back: it must not release the stock.
    with pytest.raises(OrderStateConflictException):
        release(raw_order(), context, **results)
    assert (tables.stock("KB-MECH-01"), tables.stock("MOUSE-ERGO-02")) == (2, 3)
    assert tables.reservation_record("ord-1001")["status"] == "RESERVED"


def test_release_marks_the_order_failed_so_it_can_no_longer_be_confirmed(
    context, tables, reserve, release, raw_order, step_event
):
    import confirm_order
    import process_payment

    seed_stock(tables.inventory, [{"sku": "KB-MECH-01", "stock": 3}, {"sku": "MOUSE-ERGO-02", "stock": 5}])
    payment = process_payment.lambda_handler(step_event(raw_order()), context)
    reserved = reserve(raw_order(), context)
    release(raw_order(), context, ReserveInventory=reserved)

    with pytest.raises(OrderStateConflictException):
        confirm_order.lambda_handler(
            step_event(raw_order(), ProcessPayment=payment, ReserveInventory=reserved), context
        )
