"""The example orders (examples/order-<name>.json) and the stock they are written against (fixtures/inventory.json).

Order ids double as execution names and idempotency keys, so a caller that submits an example more than once in
one stack's life gives each submission an id of its own (``example_order(name, order_id=...)``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = PROJECT_ROOT / "examples"
INVENTORY_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "inventory.json"
EXAMPLES = ("happy", "out-of-stock", "declined", "invalid", "http")  # http: the HTTP checkout of the README


def example_path(name: str) -> Path:
    path = EXAMPLES_DIR / f"order-{name}.json"
    if not path.is_file():
        raise ValueError(f"no example order '{name}'; examples: {', '.join(EXAMPLES)}")
    return path


def example_order(name: str, order_id: str | None = None) -> dict[str, Any]:
    """A fresh copy of an example order, with ``order_id`` if given."""
    order: dict[str, Any] = json.loads(example_path(name).read_text())
    if order_id is not None:
        order["order_id"] = order_id
    return order


def fixture_stock() -> list[dict[str, Any]]:
    """[{sku, stock}] the example orders are written against (KB-MECH-01 is out of stock)."""
    levels: list[dict[str, Any]] = json.loads(INVENTORY_FIXTURE.read_text())
    return levels
