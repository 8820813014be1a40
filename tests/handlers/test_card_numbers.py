"""The handlers' card-number check (checkout_domain.card_numbers): finds PANs and nothing else.

The data-protection scan has a detector of its own, written independently and tested with the same cases
(tests/conftest.py; tests/e2e/test_sensitive_data_scanner.py).
"""

from __future__ import annotations

from checkout_domain.card_numbers import contains_card_number


def test_card_numbers_are_found(card_number_text: str):
    assert contains_card_number(card_number_text)


def test_identifiers_and_near_misses_are_not(not_card_number_text: str):
    assert not contains_card_number(not_card_number_text)


def test_the_identifiers_digits_alone_would_be_card_numbers(trap_digits: str):
    # Proves the identifier cases are real traps, not vacuous ones.
    assert contains_card_number(trap_digits)
