"""Request headers parsed as ``http.client.parse_headers`` parses them, without the email package's parser.

The standard library's HTTP server reads each request's header block and hands it to the email package's
FeedParser (``http.client.parse_headers``): ~30 us per request alone, ~80 us under load, on every request the
emulator answers (a saga makes ~15). Header blocks as AWS SDKs and the CLI send them are plain: one
``Name: value`` per line, CRLF-terminated, then a blank line. For those, the message FeedParser builds is
known exactly: each header as ``Compat32.header_source_parse`` splits it (the name up to the first colon,
the value with leading blanks and the line ending stripped) and an empty payload. ``parse_headers`` builds
that message directly and hands every other block (a folded line, a line FeedParser would not read as a
header, a line ending it would split, a block cut short) to the standard parser, over the same bytes.
Equivalence, object state included, is tested (tests/emulator/test_http_headers.py).

The standard server looks the function up as ``http.client.parse_headers`` on every request, so
``install()`` replaces it there, for the whole emulator process (any other reader gets the same messages).
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import Any

_read_headers = http.client._read_headers  # type: ignore[attr-defined]  # the reading, with its limits
standard_parse_headers = http.client.parse_headers
# A header line FeedParser reads as one header: a name of printable ASCII without ':' or blanks (its headerRE),
# a colon, a value without CR/LF (it splits lines on either), then the line ending.
_PLAIN_HEADER = re.compile(rb"[\041-\071\073-\176]+:[^\r\n]*\r?\n")
_END_OF_BLOCK = (b"\r\n", b"\n")


def parse_headers(fp: Any, _class: type[Any] = http.client.HTTPMessage) -> Any:
    """``http.client.parse_headers(fp, _class)``, the same message, built directly for a plain block."""
    lines = _read_headers(fp)
    if lines[-1] in _END_OF_BLOCK and all(_PLAIN_HEADER.fullmatch(line) for line in lines[:-1]):
        message = _class()
        for line in lines[:-1]:
            name, value = line.decode("iso-8859-1").split(":", 1)
            message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
        message.set_payload("")
        return message
    return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))


def install() -> None:
    http.client.parse_headers = parse_headers  # type: ignore[assignment]  # same calls, same messages
