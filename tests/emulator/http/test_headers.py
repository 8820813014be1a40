"""emulator.http.headers.parse_headers gives the message http.client.parse_headers gives, for any header block."""

from __future__ import annotations

import http.client
import io
from typing import Any

import pytest

from emulator.http import headers as http_headers
from emulator.http.headers import parse_headers, standard_parse_headers

SDK_REQUEST = (
    b"Host: localhost:4566\r\nAccept-Encoding: identity\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n"
    b"Content-Type: application/x-amz-json-1.0\r\nUser-Agent: Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1\r\n"
    b"X-Amz-Date: 20261126T043000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20261126/eu-west-1/"
    b"dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123abcd\r\n"
    b"amz-sdk-invocation-id: 6c3a8d0e-1f1b-4f0a-9b1e-2d2f0a6b1c3d\r\namz-sdk-request: attempt=1\r\n"
    b"Content-Length: 42\r\n\r\n"
)

PLAIN = [
    SDK_REQUEST,
    b"\r\n",  # no headers at all
    b"Host: a\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n",  # repeated names keep their order and spelling
    b"Empty:\r\nSpaced:   value with trailing blanks   \r\nTabbed:\t\tv\r\n\r\n",
    b"Latin: caf\xe9 \xff\r\n\r\n",  # bytes past ASCII, decoded as ISO-8859-1
    b"Host: a\nBare-LF: yes\n\n",  # LF line endings
    b"Colons: a:b::c\r\nFrom: someone\r\n\r\n",
    b"Host: a\r\n\r\nbody: not read\r\n",  # only the block is read; the rest stays in the stream
]
LEFT_TO_THE_EMAIL_PARSER = [
    b"Folded: first\r\n  second\r\n\r\n",  # a continuation line
    b"\tLeading: blank\r\n\r\n",
    b"No colon here\r\nHost: a\r\n\r\n",  # not a header: FeedParser ends the headers there (a defect)
    b"Name With Space: x\r\n\r\n",
    b": no name\r\n\r\n",
    b"From someone@example.com Tue Nov 25 00:00:00 2026\r\nHost: a\r\n\r\n",  # a Unix "From " line
    b"Lone-CR: a\rb\r\n\r\n",  # FeedParser splits lines on a lone CR too
    b"Host: a\r\nCut: short\r\n",  # the connection closed before the blank line
]


def parsed(parse: Any, block: bytes) -> tuple[dict[str, Any], bytes]:
    stream = io.BytesIO(block)
    message = parse(stream)
    assert type(message) is http.client.HTTPMessage
    state = dict(vars(message), defects=[(type(defect), str(defect)) for defect in message.defects])
    return state, stream.read()  # the message's whole state, and what was left unread


@pytest.mark.parametrize("block", PLAIN + LEFT_TO_THE_EMAIL_PARSER)
def test_the_same_message_as_the_standard_parser(block: bytes) -> None:
    assert parsed(parse_headers, block) == parsed(standard_parse_headers, block)


@pytest.mark.parametrize("block", LEFT_TO_THE_EMAIL_PARSER)
def test_unusual_blocks_go_to_the_email_parser(block: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    original = http_headers.email.parser.Parser.parsestr

    def parsestr(self: Any, text: str, headersonly: bool = False) -> Any:
        used.append(text)
        return original(self, text, headersonly)

    monkeypatch.setattr(http_headers.email.parser.Parser, "parsestr", parsestr)
    parse_headers(io.BytesIO(block))
    assert len(used) == 1
    monkeypatch.undo()
    parse_headers(io.BytesIO(SDK_REQUEST))
    assert len(used) == 1  # a plain block is built directly


def test_the_limits_of_the_standard_reader_hold() -> None:
    with pytest.raises(http.client.LineTooLong):
        parse_headers(io.BytesIO(b"Long: " + b"x" * 70000 + b"\r\n\r\n"))
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        parse_headers(io.BytesIO(b"".join(b"H%d: v\r\n" % i for i in range(101)) + b"\r\n"))


def test_install_replaces_the_function_the_standard_server_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http.client, "parse_headers", standard_parse_headers)
    http_headers.install()
    assert http.client.parse_headers is parse_headers
