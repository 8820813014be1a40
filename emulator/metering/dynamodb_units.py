"""DynamoDB item sizes and request units by AWS's published rules, for the emulator's metering.

Pure functions on items in DynamoDB's wire format ({"attr": {"S": "..."}}). The rules (DynamoDB Developer
Guide, "Item sizes and formats" and "Read/write capacity unit consumption"):
- size = sum over attributes of the name's UTF-8 length plus the value's size: strings by UTF-8 length,
  binary by byte length, numbers ~1 byte per 2 significant digits + 1, booleans and null 1 byte, lists and
  maps 3 bytes + 1 byte per element + the elements, sets the sum of their elements;
- a write (Put/Update/Delete) costs 1 unit per started KB of the larger of the item before and after it
  (at least 1); a write whose condition fails still costs, sized by the existing item (at least 1);
- a read costs 1 unit per started 4 KB if strongly consistent, half that if eventually consistent;
- in a transaction every action costs twice what it would alone.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
TRANSACTION_FACTOR = 2

Item = Mapping[str, Mapping[str, Any]]


def item_size(item: Item | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: Mapping[str, Any]) -> int:
    ((kind, content),) = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        return number_size(str(content))
    if kind == "B":
        return len(_binary(content))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(str(element).encode()) for element in content)
    if kind == "NS":
        return sum(number_size(str(element)) for element in content)
    if kind == "BS":
        return sum(len(_binary(element)) for element in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in content.items())
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


@functools.lru_cache(maxsize=4096)  # the same quantities, prices and timestamps come back on every request
def number_size(text: str) -> int:
    """1 byte per two significant digits, plus 1 (leading and trailing zeros do not count)."""
    try:
        digits: tuple[int, ...] = Decimal(text).normalize().as_tuple().digits
    except InvalidOperation:
        digits = tuple(int(char) for char in text if char.isdigit())
    significant = len(digits) if any(digits) else 1
    return math.ceil(significant / 2) + 1


def write_units(size_before: int, size_after: int, *, succeeded: bool = True, transactional: bool = False) -> int:
    """Write request units of one item write. A failed condition is charged for the existing item only."""
    size = max(size_before, size_after) if succeeded else size_before
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return units * (TRANSACTION_FACTOR if transactional else 1)


def read_units(size: int, *, consistent: bool) -> float:
    """Read request units of reading ``size`` bytes (one item, or a Query/Scan page)."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def _binary(content: Any) -> bytes:
    # On the wire binary values are base64 text; moto may hand over the bytes themselves.
    if isinstance(content, bytes | bytearray):
        return bytes(content)
    return base64.b64decode(str(content))
