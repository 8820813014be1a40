"""The functions Step Functions adds to JSONata ($partition, $range, $hash, $random, $uuid, $parse), and $eval
removed (AWS documents it as unavailable: use $parse).

Each raises JsonataFunctionError with AWS's wording where the argument is wrong; the evaluator turns that into a
States.QueryEvaluationError like any JSONata error.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable
from typing import Any

HASH_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


class JsonataFunctionError(ValueError):
    """An argument a Step Functions JSONata function refuses (the message is the cause's tail)."""


def _is_integer(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def partition(array: Any, chunk_size: Any) -> list[Any]:
    if not isinstance(array, list):
        array = [array]
    if not _is_integer(chunk_size) or chunk_size <= 0:
        raise JsonataFunctionError("The chunk size argument of $partition must be a positive integer")
    size = int(chunk_size)
    return [array[start:start + size] for start in range(0, len(array), size)]


def range_(start: Any, end: Any, step: Any) -> list[Any]:
    if not all(_is_integer(value) for value in (start, end, step)):
        raise JsonataFunctionError("The arguments of $range must be integers")
    if step == 0:
        raise JsonataFunctionError("The step argument of $range must not be zero")
    first, last, increment = int(start), int(end), int(step)
    return list(range(first, last + (1 if increment > 0 else -1), increment))


def hash_(value: Any, algorithm: Any) -> str:
    if not isinstance(value, str):
        raise JsonataFunctionError("The value argument of $hash must be a string")
    if algorithm not in HASH_ALGORITHMS:
        raise JsonataFunctionError(
            f"The algorithm argument of $hash must be one of {', '.join(HASH_ALGORITHMS)}")
    return hashlib.new(HASH_ALGORITHMS[algorithm], value.encode("utf-8")).hexdigest()


def random_(seed: Any = None) -> float:
    if seed is None:
        return random.random()
    if not isinstance(seed, int | float) or isinstance(seed, bool) or not math.isfinite(seed):
        raise JsonataFunctionError("The seed argument of $random must be a number")
    return random.Random(seed).random()


def uuid_() -> str:
    return str(uuid.uuid4())


def parse(text: Any) -> Any:
    if not isinstance(text, str):
        raise JsonataFunctionError("The argument of $parse must be a string")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonataFunctionError(f"$parse could not parse its argument as JSON: {error.msg}") from None


def eval_unavailable(*_: Any) -> Any:
    raise JsonataFunctionError("T1006: Attempted to invoke a non-function")


ADDED: dict[str, Callable[..., Any]] = {
    "partition": partition, "range": range_, "hash": hash_, "uuid": uuid_, "parse": parse,
}
OVERRIDDEN: dict[str, Callable[..., Any]] = {"random": random_, "eval": eval_unavailable}
