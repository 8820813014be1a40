"""What the data-protection scan looks for, written independently of the handlers' own card check.

Card-like: a run of 13-19 digits (single spaces or dashes allowed between them) that passes the Luhn check and
starts like a card network's number. The network prefix is what keeps millisecond timestamps (13 digits, and
Luhn-valid one time in ten) out of the findings.
"""

from __future__ import annotations

import re

RUN = re.compile(r"\d(?:[ -]?\d)+")
# Request ids and other UUIDs: their leading groups can be all digits and Luhn-valid by chance.
UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
# Hex identifiers: payment, refund and reservation ids (uuid4().hex), X-Ray trace ids, log stream names. A
# hex word of 16+ characters with a letter in it, not glued to other letters or digits ("pay_" prefixes are
# fine), is an identifier, whatever digit run it holds.
HEX_WORD = re.compile(r"(?<![A-Za-z0-9])(?=\d*[a-fA-F])[0-9a-fA-F]{16,}(?![A-Za-z0-9])")
NETWORK_PREFIX = re.compile(r"^(?:4|5|6|3[04-9]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))")


def card_like_numbers(text: str) -> list[str]:
    found = []
    for run in RUN.finditer(HEX_WORD.sub(" ", UUID.sub(" ", text))):
        digits = run.group().replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and NETWORK_PREFIX.match(digits) and luhn(digits):
            found.append(run.group())
    return found


def luhn(digits: str) -> bool:
    checksum = 0
    for index, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if index % 2 else 1)
        checksum += doubled - 9 if doubled > 9 else doubled
    return checksum % 10 == 0
