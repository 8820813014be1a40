"""Item sizes and request units by AWS's rules (pure functions behind the emulator's DynamoDB metering)."""

from __future__ import annotations

import base64

import pytest

from emulator.metering.dynamodb_units import item_size, number_size, read_units, value_size, write_units


def test_sizes_follow_the_documented_rules() -> None:
    assert item_size({"id": {"S": "abc"}}) == 2 + 3
    assert item_size({"ü": {"S": "é"}}) == 2 + 2  # UTF-8 bytes, names and values
    assert value_size({"B": base64.b64encode(b"\x00\x01\x02").decode()}) == 3
    assert value_size({"BOOL": True}) == value_size({"NULL": True}) == 1
    assert value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (1 + 2) + (1 + 2)
    assert value_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1
    assert value_size({"SS": ["a", "bc"]}) == 3
    assert item_size(None) == item_size({}) == 0


@pytest.mark.parametrize(("text", "size"), [("1", 2), ("12", 2), ("123", 3), ("1000000", 2), ("-0.00125", 3),
                                            ("0", 2), ("12345678901234567890", 11)])
def test_numbers_take_a_byte_per_two_significant_digits_plus_one(text: str, size: int) -> None:
    assert number_size(text) == size


def test_writes_cost_a_unit_per_started_kilobyte_of_the_larger_item() -> None:
    assert write_units(0, 10) == 1  # at least one
    assert write_units(1024, 1024) == 1
    assert write_units(1025, 10) == 2  # an update that shrinks a 1.1 KB item is billed for 1.1 KB
    assert write_units(300, 3000, succeeded=False) == 1  # a failed condition: the existing item only
    assert write_units(0, 5000, succeeded=False) == 1
    assert write_units(1500, 100, transactional=True) == 4


def test_reads_cost_a_unit_per_started_4_kb_halved_when_eventually_consistent() -> None:
    assert read_units(0, consistent=True) == 1.0
    assert read_units(4096, consistent=False) == 0.5
    assert read_units(4097, consistent=False) == 1.0
    assert read_units(10_000, consistent=True) == 3.0
