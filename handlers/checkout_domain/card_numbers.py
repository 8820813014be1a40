"""Card numbers (PANs) in text: data this system must never accept, store, log or echo.

"Card-like" is what DLP scanners flag: 13 to 19 digits, optionally grouped by single spaces or dashes, that
pass the Luhn check and start with a card network's prefix (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37,
Diners 30/36/38/39, JCB 35, Discover/UnionPay/Maestro 5 and 6). The prefix is what keeps millisecond
timestamps (13 digits starting with 1, Luhn-valid one time in ten) from counting as cards.
"""

from __future__ import annotations

import re

# A maximal run: not preceded or followed by another digit, directly or across one separator.
_DIGIT_RUN = re.compile(r"(?<!\d)(?<!\d[ -])\d(?:[ -]?\d){12,18}(?![ -]?\d)")
_CARD_PREFIXES = ("4", "5", "6", "30", "34", "35", "36", "37", "38", "39")
# Request ids and other UUIDs: their leading groups can be all digits and Luhn-valid by chance.
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
# Hex identifiers (uuid4().hex, X-Ray trace and segment ids, processors' hex tokens): about one in a thousand
# 32-digit ones holds a Luhn-valid 13-digit run with a network prefix. An identifier is a standalone run of 16+
# hex digits with at least one letter; "card4111111111111111" still counts: its run is glued to a word.
_HEX_IDENTIFIER = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-fA-F])[0-9a-fA-F]{16,}(?![0-9A-Za-z])")


def contains_card_number(text: str) -> bool:
    runs = _DIGIT_RUN.finditer(_HEX_IDENTIFIER.sub(" ", _UUID.sub(" ", text)))
    return any(_is_card_number(re.sub(r"[ -]", "", run.group())) for run in runs)


def _is_card_number(digits: str) -> bool:
    network = digits.startswith(_CARD_PREFIXES) or 2221 <= int(digits[:4]) <= 2720
    return network and _luhn_valid(digits)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
