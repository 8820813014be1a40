"""The steps read the order without pydantic (checkout_domain.models), by the same rules as validate_order's front
door; their idempotency keys, payload fingerprints and outputs are those of the pydantic models they replaced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import process_payment
import pytest
from aws_lambda_powertools.utilities.idempotency.base import _prepare_data
from checkout_domain.errors import InvalidOrderException
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.steps import ConfirmationResult, RefundResult, ReleaseResult, ReservationResult
from checkout_domain.validation import parse_order_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
SEALED = "AgV4" + "A" * 96  # shaped like an Encryption SDK message (looks_sealed); never unsealed here
ORDER = {
    "order_id": "ord-1001",
    "customer_id": "cus-42",
    "currency": "EUR",
    "items": [
        {"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 12999},
        {"sku": "MOUSE-ERGO-02", "quantity": 2, "unit_price_minor": 4999},
    ],
    "payment_token": SEALED,
    "total_minor": 22997,
}


def fields_of(exc: InvalidOrderException) -> set[str]:
    return {entry["field"] for entry in json.loads(str(exc))}


def test_idempotency_key_and_payload_fingerprint_are_those_of_the_pydantic_order():
    # Computed with the pydantic Order: records written before the change still match their redeliveries.
    persistence_layer.configure(config=idempotency_config, function_name="f", key_prefix="ProcessPayment")
    data = _prepare_data(Order.from_json(ORDER))

    assert persistence_layer._get_hashed_idempotency_key(data) == "ProcessPayment#17d29e05f0da69d4b58ebd4e135d0a0f"
    assert persistence_layer._get_hashed_payload(data) == "a07698dcdd3f169461f8e140153b817a"


def test_the_order_reads_back_as_validate_order_wrote_it():
    assert Order.from_json(ORDER).to_json() == ORDER
    assert parse_order_input(ORDER).normalized(SEALED) == Order.from_json(ORDER)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total_minor": 1}, "order.total_minor"),
        ({"payment_token": "tok_visa"}, "order.payment_token"),
        ({"customer_id": "cus 4242424242424242"}, "order.customer_id"),
        ({"order_id": "ord-1\n"}, "order.order_id"),
        ({"currency": "eur"}, "order.currency"),
        ({"items": [{"sku": "KB-MECH-01", "quantity": True, "unit_price_minor": 5}]}, "order.items.0.quantity"),
        ({"items": [{"sku": "A", "quantity": 1, "unit_price_minor": 5}] * 2}, "order.items"),
        ({"items": []}, "order.items"),
        ({"discount_code": "FREE"}, "order.discount_code"),
    ],
)
def test_a_step_refuses_an_order_validate_order_would_refuse_without_quoting_it(change, field, context):
    with pytest.raises(InvalidOrderException) as invalid:
        process_payment.lambda_handler({"order": ORDER | change, "results": {}}, context)

    assert fields_of(invalid.value) == {field}
    assert SEALED not in str(invalid.value) and "4242424242424242" not in str(invalid.value)


@pytest.mark.parametrize("event", [None, [], "order", {"results": {}}, {"order": ORDER, "results": []}])
def test_a_step_input_of_the_wrong_shape_is_one_clear_error(event, context):
    with pytest.raises(InvalidOrderException) as invalid:
        process_payment.lambda_handler(event, context)

    assert len(json.loads(str(invalid.value))) == 1


def test_a_field_named_after_the_token_is_redacted(context):
    with pytest.raises(InvalidOrderException) as invalid:
        process_payment.lambda_handler({"order": ORDER | {SEALED: 1}}, context)

    assert fields_of(invalid.value) == {"order.<redacted>"}


@pytest.mark.parametrize(
    ("result_type", "stored", "output"),
    [  # stored: what the pydantic serializer wrote (model_dump(), nulls included); output: what the step returned
        (RefundResult, {"status": "NOTHING_TO_REFUND", "refund_id": None, "amount_minor": None},
         {"status": "NOTHING_TO_REFUND"}),
        (ReleaseResult, {"status": "NOTHING_TO_RELEASE"}, {"status": "NOTHING_TO_RELEASE"}),  # as stored now
        (ReleaseResult, {"status": "RELEASED", "reservation_id": "res_1", "items": [{"sku": "A", "quantity": 2}]},
         {"status": "RELEASED", "reservation_id": "res_1", "items": [{"sku": "A", "quantity": 2}]}),
        (ReservationResult, {"reservation_id": "res_1", "items": [{"sku": "A", "quantity": 2}], "status": "RESERVED"},
         {"reservation_id": "res_1", "items": [{"sku": "A", "quantity": 2}], "status": "RESERVED"}),
        (ConfirmationResult, {"order_id": "o", "status": "CONFIRMED", "confirmation_id": "c", "payment_id": "p",
                              "reservation_id": "r"},
         {"order_id": "o", "status": "CONFIRMED", "confirmation_id": "c", "payment_id": "p", "reservation_id": "r"}),
    ],
)
def test_a_result_stored_before_the_change_replays_as_the_same_output(result_type, stored, output):
    serializer = stored_as_json(result_type)

    replayed = serializer.from_dict(stored)

    assert isinstance(replayed, result_type)
    assert replayed.to_json() == output
    assert serializer.to_dict(replayed) == output


def test_the_steps_import_neither_pydantic_nor_the_encryption_sdk():
    code = (
        "import sys, confirm_order, process_payment, refund_payment, release_inventory, reserve_inventory\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'pydantic_core', 'annotated_types',"
        " 'aws_encryption_sdk', 'cryptography'}))"
    )
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "IDEMPOTENCY_TABLE_NAME": "idempotency", "PYTHONPATH": str(HANDLERS)}
    completed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


# --- property: the steps accept exactly the normalized orders validate_order accepts, and read them the same ---

good_line = st.fixed_dictionaries(
    {"sku": st.sampled_from(["KB-MECH-01", "MOUSE-ERGO-02"]), "quantity": st.integers(1, 3),
     "unit_price_minor": st.integers(1, 5000)}
)
bad_line = st.fixed_dictionaries(
    {
        "sku": st.sampled_from(["KB-MECH-01", "", "bad sku", "4242424242424242"]),
        "quantity": st.sampled_from([1, 0, 1001, True, 1.0, "1"]),
        "unit_price_minor": st.sampled_from([1, 0, 100_000_001, 2.5]),
    },
    optional={"quantitiy": st.just(3)},
)


@st.composite
def normalized_orders(draw: st.DrawFn) -> dict[str, Any]:
    """Valid normalized orders with up to two fields broken."""
    broken = draw(st.sets(st.sampled_from(["order_id", "customer_id", "currency", "items", "payment_token",
                                           "total_minor"]), max_size=2))

    def field(name: str, good: Any, bad: list[Any]) -> Any:
        return draw(st.sampled_from(bad)) if name in broken else good

    bad_items = st.lists(bad_line, max_size=2) | st.sampled_from([None, {}, "items"]) | st.lists(good_line, min_size=2)
    items = draw(bad_items if "items" in broken else st.lists(good_line, min_size=1, max_size=1))
    try:
        total = sum(line["quantity"] * line["unit_price_minor"] for line in items)  # type: ignore[union-attr]
    except TypeError:  # broken items: any total will do
        total = 1
    order = {
        "order_id": field("order_id", "ord-1", ["ord 1", "", "ord-1\n", "a" * 81, 7]),
        "customer_id": field("customer_id", "cus-42", ["", "  ", "cus\x00", "c" * 129, "cus 4242424242424242"]),
        "currency": field("currency", "EUR", ["eur", "XXX", None]),
        "items": items,
        "payment_token": field("payment_token", SEALED, ["tok_visa", "", 5]),
        "total_minor": field("total_minor", total, [total + 1, None, float(total), str(total), True]),
    }
    return order | draw(st.sampled_from([{}, {}, {"discount_code": "FREE"}]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=normalized_orders())
def test_the_steps_and_validate_order_agree_on_every_order(order: dict[str, Any]):
    try:
        order_input = parse_order_input(order)
        front_door = order_input.normalized(order["payment_token"]) if order_input.payment_token_is_sealed else None
    except InvalidOrderException:
        front_door = None
    if order["total_minor"] is None:  # optional for a client, always there once normalized
        front_door = None
    try:
        step: Order | None = Order.from_json(order)
    except InvalidOrderException:
        step = None

    assert step == front_door
