"""The payment token crosses the saga sealed: who seals it, who may unseal it, and what a bad one does.

Also the rule that card numbers are refused everywhere a client can put text, without being quoted back.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import process_payment
import pytest
import validate_order
from checkout_domain.errors import InvalidOrderException, PaymentDeclinedException, TransientError
from checkout_domain.payment_token_seal import UnreadablePaymentToken, looks_sealed, seal, unseal

pytestmark = pytest.mark.usefixtures("aws")
# Luhn-valid test card numbers of three networks, as a client might paste them.
CARD_NUMBERS = ["4242424242424242", "5555 5555 5555 4444", "3782-822463-10005"]


def fields_of(exc: InvalidOrderException) -> dict[str, str]:
    return {entry["field"]: entry["message"] for entry in json.loads(str(exc))}


def rejected(event: Any, context: Any) -> InvalidOrderException:
    with pytest.raises(InvalidOrderException) as raised:
        validate_order.lambda_handler(event, context)
    return raised.value


def test_a_sealed_token_is_passed_on_as_sent(context, raw_order, secret_token):
    sealed = seal(secret_token, "ord-1001")

    result = validate_order.lambda_handler(raw_order(payment_token=sealed), context)

    assert result["payment_token"] == sealed


def test_with_plaintext_tokens_refused_as_in_prod_a_plaintext_token_is_rejected_unquoted(
    context, monkeypatch, raw_order, secret_token
):
    monkeypatch.setenv("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", "false")

    exc = rejected(raw_order(), context)

    assert set(fields_of(exc)) == {"payment_token"} and "sealed" in fields_of(exc)["payment_token"]
    assert secret_token not in str(exc)
    assert validate_order.lambda_handler(raw_order(payment_token=seal(secret_token, "ord-1001")), context)


@pytest.mark.parametrize("card", CARD_NUMBERS)
@pytest.mark.parametrize("field", ["payment_token", "customer_id"])
def test_card_numbers_are_refused_without_being_quoted(context, field, card, raw_order):
    exc = rejected(raw_order(**{field: card if field == "payment_token" else f"cus {card}"}), context)

    assert set(fields_of(exc)) == {field}
    assert card not in str(exc) and card.replace(" ", "").replace("-", "") not in str(exc)


def test_card_numbers_are_refused_as_order_ids_and_skus(context, raw_order):
    item = {"sku": "4242-4242-4242-4242", "quantity": 1, "unit_price_minor": 100}

    exc = rejected(raw_order(order_id="4111111111111111", items=[item]), context)

    assert set(fields_of(exc)) == {"order_id", "items.0.sku"}
    assert "4111111111111111" not in str(exc) and "4242" not in str(exc)


def test_an_unknown_field_named_like_a_card_number_is_redacted(context, raw_order):
    exc = rejected(raw_order() | {"4242424242424242": 1}, context)

    assert "4242424242424242" not in str(exc) and "<redacted>" in fields_of(exc)


def test_long_numbers_that_are_not_cards_are_fine(context, raw_order):
    # A millisecond timestamp (13 digits, Luhn-valid) and a Luhn-invalid 16-digit number.
    order = raw_order(order_id="ord-1713959670672", customer_id="cus-4242424242424241")

    assert validate_order.lambda_handler(order, context)["order_id"] == "ord-1713959670672"


def test_only_the_order_it_was_sealed_for_can_unseal_a_token(secret_token):
    sealed = seal(secret_token, "ord-1")

    assert unseal(sealed, "ord-1") == secret_token
    with pytest.raises(UnreadablePaymentToken) as raised:
        unseal(sealed, "ord-2")
    assert secret_token not in str(raised.value) and sealed not in str(raised.value)


def test_a_token_sealed_for_another_order_is_declined_and_charges_nothing(
    context, tables, raw_order, normalized, secret_token
):
    event = {"order": normalized(raw_order("ord-1001")) | {"payment_token": seal(secret_token, "ord-9")}}

    with pytest.raises(PaymentDeclinedException) as declined:
        process_payment.lambda_handler(event, context)

    assert declined.value.decline_code == process_payment.INVALID_PAYMENT_TOKEN
    assert tables.ledger_entries("ord-1001") == []
    assert tables.order_record("ord-1001")["status"] == "FAILED"


@pytest.mark.parametrize("position", [5, -150, -110, -5], ids=["commitment", "frame", "body", "signature"])
def test_a_tampered_sealed_token_is_declined(context, position, tables, raw_order, normalized):
    order = normalized(raw_order("ord-1001"))
    message = bytearray(base64.b64decode(order["payment_token"]))
    message[position] ^= 1
    tampered = base64.b64encode(bytes(message)).decode()
    assert looks_sealed(tampered)

    with pytest.raises(PaymentDeclinedException) as declined:
        process_payment.lambda_handler({"order": order | {"payment_token": tampered}}, context)

    assert declined.value.decline_code == process_payment.INVALID_PAYMENT_TOKEN
    assert tables.ledger_entries("ord-1001") == []


def test_a_sealed_card_number_is_declined_and_never_surfaces(context, raw_order, normalized):
    card = CARD_NUMBERS[0]
    event = {"order": normalized(raw_order("ord-1001")) | {"payment_token": seal(card, "ord-1001")}}

    with pytest.raises(PaymentDeclinedException) as declined:
        process_payment.lambda_handler(event, context)

    assert declined.value.decline_code == process_payment.INVALID_PAYMENT_TOKEN and card not in str(declined.value)


def test_a_token_sealed_under_another_key_is_a_transient_failure_not_a_decline(
    context, tables, raw_order, normalized, secret_token, region
):
    other_key = boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]
    event = {"order": normalized(raw_order("ord-1001")) | {"payment_token": seal(secret_token, "ord-1001", other_key)}}

    # KMS refusing (or failing) looks the same: retried by the state machine, an operator's problem after that.
    with pytest.raises(TransientError):
        process_payment.lambda_handler(event, context)

    assert tables.ledger_entries("ord-1001") == []


def test_the_charge_receives_the_unsealed_token(context, monkeypatch, raw_order, normalized, unsealed, secret_token):
    charged_with: list[str] = []
    ledger = process_payment.default_payment_provider()
    original = type(ledger).charge

    def recording_charge(self: Any, **request: Any) -> Any:
        charged_with.append(request["payment_token"])
        return original(self, **request)

    monkeypatch.setattr(type(ledger), "charge", recording_charge)
    order = normalized(raw_order("ord-1001"))

    process_payment.lambda_handler({"order": order}, context)

    assert charged_with == [secret_token] == [unsealed(order)]
