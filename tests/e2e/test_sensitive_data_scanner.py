"""The data-protection scan's card-number detector (the conftest's card_like_numbers): finds PANs and nothing else.

Written independently of the handlers' own check, which is tested with the same cases (tests/conftest.py;
tests/handlers/test_card_numbers.py).
"""

from __future__ import annotations


def test_card_numbers_are_found(card_number_text: str, card_like_numbers):
    assert card_like_numbers(card_number_text)


def test_identifiers_and_near_misses_are_not(not_card_number_text: str, card_like_numbers):
    assert card_like_numbers(not_card_number_text) == []


def test_the_identifiers_digits_alone_would_be_card_like(trap_digits: str, card_like_numbers):
    # Proves the identifier cases are real traps, not vacuous ones.
    assert card_like_numbers(trap_digits)
    assert card_like_numbers("46722829-2871-4454-9")
