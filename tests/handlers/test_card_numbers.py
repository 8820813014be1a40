"""The handlers' card-number check (checkout_domain.card_numbers): finds PANs and nothing else.

The data-protection scan has a detector of its own, written independently and tested with the same cases
(tests/e2e/test_sensitive_data_scanner.py).
"""

from __future__ import annotations

import pytest
from checkout_domain.card_numbers import contains_card_number

# 46722829-2871-4454-9...: all-digit leading groups that happen to be Luhn-valid with a Visa prefix.
UUID_WITH_LUHN_VALID_DIGITS = "46722829-2871-4454-9abc-0123456789ab"
# A uuid4().hex holding 3676160677344 (Diners prefix 36, Luhn-valid): one such payment id failed CI's data
# protection scan. About one 32-digit hex id in a thousand holds a run like it.
HEX_ID_WITH_LUHN_VALID_DIGITS = "e3676160677344f0e1d2c3b4a5968778"
TRACE_ID_WITH_LUHN_VALID_DIGITS = "Root=1-6745a0cf-b3676160677344c0d1e2f3a4;Parent=53995c3f42cd8ad8;Sampled=0"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",
        "card 4111-1111-1111-1111 here",
        "378282246310005",
        "tok_4111111111111111",  # a card number dressed as a token
        "card4111111111111111",  # glued to a word: not a hex identifier, though it ends in hex letters
        "4111111111111111 e3676160677344",
    ],
)
def test_card_numbers_are_found(text: str):
    assert contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        f"requestId {UUID_WITH_LUHN_VALID_DIGITS}",
        f'{{"payment_id": "pay_{HEX_ID_WITH_LUHN_VALID_DIGITS}"}}',
        f"tok_visa_{HEX_ID_WITH_LUHN_VALID_DIGITS.upper()}",
        f"2026/11/26/[$LATEST]{HEX_ID_WITH_LUHN_VALID_DIGITS}",
        TRACE_ID_WITH_LUHN_VALID_DIGITS,
        "timestamp 1795640786942",
        "4111 1111 1111 1112",  # Luhn-invalid
    ],
)
def test_identifiers_and_near_misses_are_not(text: str):
    assert not contains_card_number(text)


def test_the_identifiers_digits_alone_would_be_card_numbers():
    # Proves the identifier cases above are real traps, not vacuous ones.
    for digits in ("3676160677344", "e3676160677344f"):  # inside a hex word that is too short to be an id
        assert contains_card_number(f"pay_{digits}")
