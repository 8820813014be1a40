"""Length-prefixed JSON messages over pipe file descriptors, between the emulator and a Lambda worker.

The protocol has its own pipes so that whatever the handler prints (stdout/stderr) can never corrupt it.
Each message is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON (one JSON object).
Stdlib only: the worker imports this module.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

_HEADER = struct.Struct(">I")


class ChannelClosed(EOFError):
    """The other end closed its pipe (the worker died, or the emulator went away)."""


def send_message(fd: int, message: dict[str, Any]) -> None:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    _write_all(fd, _HEADER.pack(len(body)) + body)


def receive_message(fd: int) -> dict[str, Any]:
    (length,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    message: dict[str, Any] = json.loads(_read_exactly(fd, length))
    return message


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, remaining)
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
