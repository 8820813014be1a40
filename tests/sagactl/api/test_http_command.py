"""`sagactl http`: signs with SigV4 for the right region, prints the answer, and fails in one line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from devstack.http_api import HttpAnswer
from emulator.ports import free_port
from sagactl.__main__ import main
from sagactl.api.cli import body_of, region_of_url, render


class Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        Recorder.seen.append({"authorization": self.headers.get("Authorization", ""), "body": body})
        answer = json.dumps({"orderId": "o"}).encode()
        self.send_response(202)
        self.send_header("Location", "/v1/checkouts/o")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.seen = []
    httpd = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/_aws/execute-api/abc/v1"
    httpd.shutdown()
    httpd.server_close()


def test_a_request_is_signed_for_execute_api_with_the_configured_credentials(server, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    order = tmp_path / "order.json"
    order.write_text('{"order_id": "o"}')
    assert main(["http", "post", f"{server}/checkouts", "--data", f"@{order}"]) == 0
    (seen,) = Recorder.seen
    assert seen["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in seen["authorization"]
    assert seen["body"] == '{"order_id": "o"}'
    assert capsys.readouterr().out.splitlines()[:3] == ["HTTP 202", "Location: /v1/checkouts/o", "{"]


def test_unsigned_sends_no_authorization(server):
    assert main(["http", "POST", f"{server}/checkouts", "--data", "{}", "--unsigned"]) == 0
    assert Recorder.seen[0]["authorization"] == ""


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://a1b2c3d4e5.execute-api.us-east-2.amazonaws.com/v1/checkouts", "us-east-2"),
        ("http://127.0.0.1:4566/_aws/execute-api/x/v1/checkouts", "eu-west-1"),
        ("https://api.shop.example.com/checkouts", None),
    ],
)
def test_the_region_comes_from_the_url(url, region):
    assert region_of_url(url) == region


def test_bodies_come_inline_or_from_a_file(tmp_path: Path):
    (tmp_path / "b.json").write_text("{}")
    assert body_of(None) is None and body_of('{"a": 1}') == '{"a": 1}' and body_of(f"@{tmp_path}/b.json") == "{}"


def test_the_answer_is_printed_status_first_json_indented_anything_else_as_is():
    assert render(HttpAnswer(422, '{"valid": false}')) == 'HTTP 422\n{\n  "valid": false\n}'
    assert render(HttpAnswer(502, "Bad gateway")) == "HTTP 502\nBad gateway"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["GET", "ftp://x/y"], "not an http(s) URL"),
        (["GET", f"http://127.0.0.1:{free_port()}/v1/checkouts/o"], "cannot reach http://127.0.0.1:"),
        (["POST", "http://127.0.0.1:1/v1/checkouts", "--data", "@/no/such/file.json"], "No such file"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(arguments, message, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "b")
    assert main(["http", *arguments]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("sagactl: ") and message in line
