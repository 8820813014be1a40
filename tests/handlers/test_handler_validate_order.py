"""validate_order: normalizes good orders; reports every problem of a bad one as a clean JSON list."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import validate_order
from checkout_domain.errors import InvalidOrderException
from checkout_domain.models import MAX_ITEMS_PER_ORDER
from checkout_domain.validation import MAX_REPORTED_ERRORS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The stack's payment-token key (in moto): validate_order seals plaintext tokens, as in dev.
pytestmark = pytest.mark.usefixtures("payment_token_key")


@pytest.fixture(scope="module")
def validate(lambda_context) -> Callable[[Any], dict[str, Any]]:
    """`validate(event)`: validate_order's answer to the event."""
    context = lambda_context(function_name="validate-order")

    def validate(event: Any) -> dict[str, Any]:
        return validate_order.lambda_handler(event, context)

    return validate


@pytest.fixture(scope="module")
def rejection(validate) -> Callable[[Any], InvalidOrderException]:
    """`rejection(event)`: the InvalidOrderException validate_order raises for the event (which it must)."""

    def rejection(event: Any) -> InvalidOrderException:
        with pytest.raises(InvalidOrderException) as raised:
            validate(event)
        return raised.value

    return rejection


def errors_by_field(exc: InvalidOrderException) -> dict[str, str]:
    listed = json.loads(str(exc))  # the message itself is the contract, not the attribute
    assert all(set(entry) == {"field", "message"} for entry in listed)
    return {entry["field"]: entry["message"] for entry in listed}


def test_valid_order_is_returned_normalized_with_its_total_and_its_token_sealed(
    validate, raw_order, normalized, unsealed, without_token, secret_token
):
    order = raw_order()

    result = validate(order)

    assert without_token(result) == without_token(normalized(order))
    assert result["total_minor"] == 12999 + 2 * 4999
    assert secret_token not in result["payment_token"]
    assert unsealed(result) == secret_token


def test_a_correct_total_from_the_client_is_accepted_and_normalizing_twice_changes_nothing(validate, raw_order):
    once = validate(raw_order())

    assert validate(once) == once


def test_a_wrong_total_from_the_client_is_rejected(rejection, raw_order):
    fields = errors_by_field(rejection(raw_order(total_minor=1)))

    assert set(fields) == {"total_minor"}
    assert str(12999 + 2 * 4999) in fields["total_minor"]


def test_every_problem_is_reported_at_once_without_a_stack_trace_or_the_token(rejection, raw_order, secret_token):
    exc = rejection(
        raw_order(
            order_id="ord 1004!",
            customer_id="",
            currency="EURO",
            items=[{"sku": "MOUSE-ERGO-02", "quantity": 0, "unit_price_minor": -5}],
        )
    )

    fields = errors_by_field(exc)
    assert set(fields) == {"order_id", "customer_id", "currency", "items.0.quantity", "items.0.unit_price_minor"}
    assert "ISO 4217" in fields["currency"]
    message = str(exc)
    assert "Traceback" not in message and 'File "' not in message
    assert secret_token not in message
    assert exc.__cause__ is None and exc.__suppress_context__  # pydantic's error (which quotes input) is dropped


@pytest.mark.parametrize("quantity", [True, 1.0, "1", None, 0, 1001, -1, 2**64])
def test_quantity_must_be_a_real_integer_between_1_and_1000(quantity, rejection, raw_order):
    order = raw_order(items=[{"sku": "KB-MECH-01", "quantity": quantity, "unit_price_minor": 100}])

    assert set(errors_by_field(rejection(order))) == {"items.0.quantity"}


@pytest.mark.parametrize("price", [0, -1, 1.5, "100", False, 100_000_001])
def test_unit_price_must_be_a_positive_bounded_integer(price, rejection, raw_order):
    order = raw_order(items=[{"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": price}])

    assert set(errors_by_field(rejection(order))) == {"items.0.unit_price_minor"}


@pytest.mark.parametrize("currency", ["eur", "EURO", "XXX", "XAU", "ABC", "", 978, None])
def test_currency_must_be_an_upper_case_iso_4217_code_a_customer_can_pay_in(currency, rejection, raw_order):
    assert set(errors_by_field(rejection(raw_order(currency=currency)))) == {"currency"}


@pytest.mark.parametrize("currency", ["EUR", "USD", "JPY", "BHD", "CHF"])
def test_real_currencies_are_accepted(currency, validate, raw_order):
    assert validate(raw_order(currency=currency))["currency"] == currency


@pytest.mark.parametrize("order_id", ["", "a" * 81, "ord 1", "ord/1", "ordér", "ord-1\n", "ord.1"])
def test_order_id_must_be_a_valid_execution_name(order_id, rejection, raw_order):
    assert set(errors_by_field(rejection(raw_order(order_id=order_id)))) == {"order_id"}


def test_order_id_of_80_safe_characters_is_accepted(validate, raw_order):
    order_id = "A-z_0" * 16
    assert validate(raw_order(order_id=order_id))["order_id"] == order_id


@pytest.mark.parametrize("customer_id", ["", "   ", "c" * 129, "cus\x00", 42])
def test_customer_id_must_be_non_empty_bounded_text(customer_id, rejection, raw_order):
    assert set(errors_by_field(rejection(raw_order(customer_id=customer_id)))) == {"customer_id"}


def test_unicode_customer_ids_are_fine(validate, raw_order):
    assert validate(raw_order(customer_id="Zoë-Ωmega 🎉"))["customer_id"] == "Zoë-Ωmega 🎉"


@pytest.mark.parametrize("token", ["", "t" * 256, "tok visa", 1234, None])
def test_payment_token_must_be_non_empty_bounded_and_the_message_does_not_quote_it(token, rejection, raw_order):
    exc = rejection(raw_order(payment_token=token))

    fields = errors_by_field(exc)
    assert set(fields) == {"payment_token"}
    if isinstance(token, str) and token:
        assert token not in str(exc)


def test_items_must_be_between_1_and_the_maximum(validate, rejection, raw_order):
    too_many = [{"sku": f"SKU-{n}", "quantity": 1, "unit_price_minor": 1} for n in range(MAX_ITEMS_PER_ORDER + 1)]
    exactly_max = too_many[:MAX_ITEMS_PER_ORDER]

    assert set(errors_by_field(rejection(raw_order(items=[])))) == {"items"}
    assert set(errors_by_field(rejection(raw_order(items=too_many)))) == {"items"}
    assert len(validate(raw_order(items=exactly_max))["items"]) == MAX_ITEMS_PER_ORDER


def test_each_sku_may_appear_once_per_order(rejection, raw_order):
    line = {"sku": "KB-MECH-01", "quantity": 1, "unit_price_minor": 100}
    other = {"sku": "MOUSE-ERGO-02", "quantity": 1, "unit_price_minor": 100}

    fields = errors_by_field(rejection(raw_order(items=[line, other, dict(line, quantity=2)])))

    assert set(fields) == {"items"}
    assert "items.2" in fields["items"] and "items.0" in fields["items"]


def test_unknown_fields_are_rejected_and_named(rejection, raw_order):
    order = raw_order(discount_code="FREE")
    order["items"][0]["quantitiy"] = 3

    assert set(errors_by_field(rejection(order))) == {"discount_code", "items.0.quantitiy"}


def test_an_unknown_field_named_like_the_token_is_redacted(rejection, raw_order, secret_token):
    exc = rejection(raw_order() | {secret_token: 1})

    assert secret_token not in str(exc)
    assert "<redacted>" in errors_by_field(exc)


def test_missing_fields_are_each_reported(rejection):
    fields = errors_by_field(rejection({"order_id": "ord-1"}))

    assert set(fields) == {"customer_id", "currency", "payment_token", "items"}
    assert all(message == "Field required" for message in fields.values())


@pytest.mark.parametrize(
    "event_around",  # the event, around a valid order
    [
        lambda order: None,
        lambda order: [],
        lambda order: [order],
        lambda order: "order",
        lambda order: json.dumps(order),
        lambda order: 42,
        lambda order: 1.5,
        lambda order: True,
        lambda order: b"bytes",
    ],
    ids=["none", "empty-list", "list", "text", "json-text", "int", "float", "bool", "bytes"],
)
def test_anything_but_a_json_object_is_rejected_as_a_whole(event_around, rejection, raw_order):
    assert errors_by_field(rejection(event_around(raw_order()))) == {"$": "must be a JSON object"}


def test_huge_payloads_are_rejected_quickly_with_a_bounded_message(rejection, raw_order):
    huge = raw_order(
        customer_id="c" * 1_000_000,
        items=[{"sku": "KB", "quantity": 0, "unit_price_minor": 0}] * 1_000_000,
    ) | {f"extra_{n}": n for n in range(1000)}

    exc = rejection(huge)

    listed = json.loads(str(exc))
    assert len(listed) == MAX_REPORTED_ERRORS + 1
    assert listed[-1]["field"] == "$" and "more errors not shown" in listed[-1]["message"]
    assert len(str(exc)) < 32_768  # fits a Step Functions Cause


def test_many_bad_items_are_summarized_not_listed_in_full(rejection, raw_order):
    items = [{"sku": f"SKU-{n}", "quantity": 0, "unit_price_minor": 1} for n in range(60)]

    listed = json.loads(str(rejection(raw_order(items=items))))

    assert [entry["field"] for entry in listed[:3]] == ["items.0.quantity", "items.1.quantity", "items.2.quantity"]
    assert listed[-1]["message"] == f"{60 - MAX_REPORTED_ERRORS} more errors not shown"


# --- property: whatever arrives, the handler answers with a normalized order or InvalidOrderException ---

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
plausible_items = st.lists(
    st.fixed_dictionaries(
        {
            "sku": st.sampled_from(["KB-MECH-01", "MOUSE-ERGO-02", "", "bad sku"]) | json_values,
            "quantity": st.integers(min_value=-2, max_value=1002) | json_values,
            "unit_price_minor": st.integers(min_value=-1, max_value=10**9) | json_values,
        },
        optional={"extra": json_values},
    ),
    max_size=4,
)


def orders(token: str) -> st.SearchStrategy[dict[str, Any]]:
    """Orders of any shape that carry `token`, in its field and as the name of an unknown field."""
    return st.fixed_dictionaries(
        {"payment_token": st.just(token)},
        optional={
            "order_id": st.sampled_from(["ord-1", "ord 1", ""]) | json_values,
            "customer_id": st.sampled_from(["cus-42", ""]) | json_values,
            "currency": st.sampled_from(["EUR", "eur", "XXX"]) | json_values,
            "items": plausible_items | json_values,
            "total_minor": st.integers() | json_values,
            token: json_values,
            "unexpected": json_values,
        },
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_validate_order_only_ever_raises_invalid_order_and_never_echoes_the_token(
    data, validate, unsealed, secret_token
):
    event = data.draw(orders(secret_token) | json_values, label="event")
    try:
        result = validate(event)
    except InvalidOrderException as exc:
        message = str(exc)
        assert secret_token not in message
        listed = json.loads(message)
        assert listed and all(isinstance(e["field"], str) and isinstance(e["message"], str) for e in listed)
    else:
        # Accepted: then it really is a valid order, and the normalized order carries the token sealed only.
        assert validate(result) == result
        assert secret_token not in result["payment_token"]
        assert unsealed(result) == secret_token
