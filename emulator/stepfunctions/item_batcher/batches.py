"""Items cut into the batches a Distributed Map's child executions receive, as AWS documents it. Pure.

Each child execution gets ``{"BatchInput": ..., "Items": [...]}`` (BatchInput only when the ItemBatcher has one).
A batch holds at most MaxItemsPerBatch items and at most MaxInputBytesPerBatch bytes; batching without a byte limit
fills batches up to 256 KiB, the most AWS allows. The bytes counted are the batch's Items array as compact UTF-8
JSON (AWS does not say how it counts; BatchInput is not counted, as AWS's examples leave room for it).
"""

from __future__ import annotations

import json
from typing import Any

MAX_BATCH_BYTES = 256 * 1024


class BatchingError(ValueError):
    """A limit or an item that cannot be batched; the message is the failure's cause."""


def positive_integer(field: str, value: Any) -> int:
    """A limit as evaluated at run time (from a Path or an expression): a positive whole number."""
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < 1:
        raise BatchingError(f"The ItemBatcher field '{field}' must be a positive integer, but it is {_json(value)}")
    return int(value)


def child_inputs(items: list[Any], limits: dict[str, Any]) -> list[dict[str, Any]]:
    """``limits``: the batcher's evaluated fields (MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput)."""
    max_items = positive_integer("MaxItemsPerBatch", limits["MaxItemsPerBatch"]) \
        if "MaxItemsPerBatch" in limits else None
    max_bytes = min(positive_integer("MaxInputBytesPerBatch", limits["MaxInputBytesPerBatch"]), MAX_BATCH_BYTES) \
        if "MaxInputBytesPerBatch" in limits else MAX_BATCH_BYTES
    shared = {"BatchInput": limits["BatchInput"]} if "BatchInput" in limits else {}
    return [{**shared, "Items": batch} for batch in batches(items, max_items, max_bytes)]


def batches(items: list[Any], max_items: int | None, max_bytes: int) -> list[list[Any]]:
    result: list[list[Any]] = []
    batch: list[Any] = []
    batch_bytes = 2  # "[]"
    for index, item in enumerate(items):
        item_bytes = len(_json(item).encode())
        if item_bytes + 2 > max_bytes:
            raise BatchingError(f"Item {index} is {item_bytes} bytes as JSON: it does not fit in a batch of at most "
                                f"{max_bytes} bytes (MaxInputBytesPerBatch)")
        if batch and (len(batch) == max_items or batch_bytes + 1 + item_bytes > max_bytes):
            result.append(batch)
            batch, batch_bytes = [], 2
        batch_bytes += item_bytes + (1 if batch else 0)  # the comma before every item but the first
        batch.append(item)
    if batch:
        result.append(batch)
    return result


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
