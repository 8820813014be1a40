"""Both card-number detectors (the handlers' refusal check and the scan's) find PANs and nothing else."""

from __future__ import annotations

import pytest
from checkout_domain.card_numbers import contains_card_number

from tests.security.sensitive_data import card_like_numbers

# 46722829-2871-4454-9...: all-digit leading groups that happen to be Luhn-valid with a Visa prefix.
UUID_WITH_LUHN_VALID_DIGITS = "46722829-2871-4454-9abc-0123456789ab"


@pytest.mark.parametrize("text", ["4111 1111 1111 1111", "card 4111-1111-1111-1111 here", "378282246310005"])
def test_card_numbers_are_found(text: str):
    assert contains_card_number(text)
    assert card_like_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        f"requestId {UUID_WITH_LUHN_VALID_DIGITS}",
        "timestamp 1795640786942",
        "4111 1111 1111 1112",  # Luhn-invalid
    ],
)
def test_identifiers_and_near_misses_are_not(text: str):
    assert not contains_card_number(text)
    assert card_like_numbers(text) == []


def test_the_uuid_digits_alone_would_be_card_like():
    # Proves the UUID case above is a real trap, not a vacuous one.
    assert card_like_numbers("46722829-2871-4454-9")
