"""The emulator's HTTP server keeps connections open between requests, and knows where each one ends."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY

from devstack.emulator_process import EmulatorProcess
from emulator.http import server as server_module
from emulator.http.server import EmulatorHttpServer
from emulator.ports import PortInUseError

BARRIERS: dict[str, threading.Barrier] = {}


def app(environ: dict[str, Any], start_response: Any) -> Any:
    """Answers with what it was asked (with content where HTTP allows none: to HEAD, and /not-modified); /read/N
    reads N bytes of the body, /stream answers without a length, /environ/... with its environ, /barrier/N when N
    requests wait in it at once."""
    path = environ["PATH_INFO"]
    if path == "/fail":
        raise RuntimeError("the app failed")
    if path.startswith("/environ/"):
        body = json.dumps({key: value for key, value in environ.items() if isinstance(value, (str, dict))}).encode()
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]
    if path.startswith("/barrier/"):  # answers once that many requests are being served at once
        BARRIERS.setdefault(path, threading.Barrier(int(path.rsplit("/", 1)[1]))).wait(timeout=10)
    wanted = int(path.rsplit("/", 1)[1]) if path.startswith("/read/") else 0
    read = environ["wsgi.input"].read(wanted) if wanted else b""
    body = json.dumps({"path": path, "read": read.decode()}).encode()
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "application/json")])
        return iter([body[:5], b"", body[5:]])
    if path == "/empty":
        start_response("204 No Content", [])
        return [b""]
    if path == "/not-modified":  # content where HTTP allows none
        start_response("304 Not Modified", [("Content-Length", str(len(body)))])
        return [body]
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def server() -> Iterator[EmulatorHttpServer]:
    running = EmulatorHttpServer("127.0.0.1", 0, app).start()
    yield running
    running.stop()


def connect(server: EmulatorHttpServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)


def ask(connection: http.client.HTTPConnection, path: str, body: bytes | None = None,
        headers: dict[str, str] | None = None, method: str = "POST") -> tuple[http.client.HTTPResponse, Any]:
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    return response, json.loads(data) if data else None


def test_requests_share_one_connection(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    answers = []
    for index in range(1, 4):
        response, answer = ask(connection, f"/read/{index}", b"abc")
        answers.append(answer)
        assert response.getheader("Connection") is None and not response.will_close
        if index == 1:
            first_socket = connection.sock
        assert connection.sock is first_socket  # not reconnected
    assert answers == [{"path": "/read/1", "read": "a"}, {"path": "/read/2", "read": "ab"},
                       {"path": "/read/3", "read": "abc"}]


def test_a_body_the_app_does_not_read_is_skipped(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    ask(connection, "/ignores-the-body", b"x" * 100_000)
    ask(connection, "/read/4", b"GET / HTTP/1.1\r\n\r\n")  # a body that looks like a request is still a body
    assert ask(connection, "/read/3", b"abc")[1] == {"path": "/read/3", "read": "abc"}


def test_a_chunked_request_body_ends_at_its_last_chunk(server: EmulatorHttpServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"POST /read/100 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                    b"POST /read/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nxy")
        answers = read_responses(raw, 2)
    assert [json.loads(body) for _, body in answers] == [{"path": "/read/100", "read": "abcde"},
                                                          {"path": "/read/2", "read": "xy"}]


def test_a_response_without_a_length_is_sent_chunked(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    response, answer = ask(connection, "/stream")
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert answer == {"path": "/stream", "read": ""}
    assert ask(connection, "/after")[1] == {"path": "/after", "read": ""}


def test_no_body_framing_where_http_has_no_body(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    response, answer = ask(connection, "/empty")
    assert response.status == 204 and answer is None and response.getheader("Transfer-Encoding") is None
    response, answer = ask(connection, "/head", method="HEAD")
    assert response.status == 200 and answer is None
    assert ask(connection, "/after")[1] == {"path": "/after", "read": ""}


@pytest.mark.parametrize(("request_line", "status"), [(b"HEAD /head", b"200"), (b"GET /not-modified", b"304")],
                         ids=["HEAD", "304"])
def test_a_response_without_content_has_none_even_when_the_app_returns_some(
    server: EmulatorHttpServer, request_line: bytes, status: bytes
) -> None:
    # Read off the socket: http.client drops whatever a response's read buffer took in with its headers.
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(request_line + b" HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b'"/after"' not in received:
            received += raw.recv(65536)
    head, after_head = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 " + status) and b"Content-Length: " in head  # as the app said
    assert after_head.startswith(b"HTTP/1.1 200 OK\r\n"), after_head[:60]


@pytest.mark.parametrize(
    ("request_bytes", "close_said"),
    [(b"GET /old HTTP/1.0\r\n\r\n", False), (b"GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", True)],
    ids=["HTTP/1.0", "Connection: close"],
)
def test_the_connection_closes_when_the_client_asks(server: EmulatorHttpServer, request_bytes: bytes,
                                                     close_said: bool) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(request_bytes)
        received = read_until_closed(raw)  # the server hangs up: a connection left open times out here
    assert b" 200 OK\r\n" in received and b"Keep-Alive" not in received
    if close_said:  # HTTP/1.0 closes unless both sides say keep-alive: its answer need not say so
        assert b"Connection: close\r\n" in received


def test_a_failing_app_answers_500_and_closes(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    connection.request("GET", "/fail")
    answer = connection.getresponse()
    assert answer.status == 500 and answer.will_close
    answer.read()
    assert ask(connect(server), "/still-serving")[1] == {"path": "/still-serving", "read": ""}


def test_an_unusable_content_length_is_refused(server: EmulatorHttpServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"POST /read/1 HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\nabc")
        received = read_until_closed(raw)  # the request's end is unknown: the server hangs up
    assert received.startswith(b"HTTP/1.1 400 ") and b"Content-Length" in received.split(b"\r\n\r\n", 1)[1]


def test_the_environ_is_moto_handlers_own(server: EmulatorHttpServer) -> None:
    connection = connect(server)
    headers = {"X-Amz-Meta-My_Key": "kept", "X_Spoofed": "dropped", "X_Amz_Target": "under", "X-Amz-Target": "dashed"}
    answer = ask(connection, "/environ/a%2Fb?x=1", headers=headers)[1]
    assert answer["HTTP_X_AMZ_META_MY_KEY"] == "kept" and "HTTP_X_SPOOFED" not in answer
    assert answer["HTTP_X_AMZ_TARGET"] == "dashed"  # an underscored name never stands in for the dashed one
    assert answer[PRESERVED_HEADER_NAMES_ENVIRON_KEY] == {"HTTP_X_AMZ_META_MY_KEY": "X-Amz-Meta-My_Key"}
    assert answer["RAW_URI"] == "/environ/a%2Fb?x=1"  # moto matches S3 keys against the path as sent


def test_requests_waiting_on_each_other_get_threads_beyond_the_first_ones(server: EmulatorHttpServer) -> None:
    """Invoke and StartSyncExecution wait for a Lambda whose own calls need the server: no fixed pool size."""
    waiting = server_module._INITIAL_THREADS + 8
    with ThreadPoolExecutor(waiting) as clients:
        answers = list(clients.map(lambda _: ask(connect(server), f"/barrier/{waiting}")[1], range(waiting)))
    assert answers == [{"path": f"/barrier/{waiting}", "read": ""}] * waiting


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        with pytest.raises(PortInUseError, match="already in use"):
            EmulatorHttpServer("127.0.0.1", holder.getsockname()[1], app)


def test_the_emulator_keeps_aws_clients_connected(emulator: EmulatorProcess) -> None:
    connection = http.client.HTTPConnection(emulator.endpoint_url.split("//", 1)[1], timeout=10)
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/dynamodb/aws4_request, "
                                "SignedHeaders=host, Signature=x"}
    sockets = set()
    for _ in range(3):
        response, answer = ask(connection, "/", b"{}", headers)
        assert response.status == 200 and "TableNames" in answer
        sockets.add(id(connection.sock))
    assert len(sockets) == 1


def read_responses(raw: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """``count`` responses with a Content-Length, read off a raw socket."""
    buffer, responses = b"", []
    while len(responses) < count:
        while b"\r\n\r\n" not in buffer:
            buffer += raw.recv(65536)
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(buffer) < length:
            buffer += raw.recv(65536)
        responses.append((head, buffer[:length]))
        buffer = buffer[length:]
    return responses


def read_until_closed(raw: socket.socket) -> bytes:
    received = b""
    while data := raw.recv(65536):
        received += data
    return received


def test_stopping_closes_the_connections_left_open() -> None:
    running = EmulatorHttpServer("127.0.0.1", 0, app).start()
    connection = connect(running)
    ask(connection, "/before-stop")
    kept_open = connection.sock

    running.stop()

    kept_open.settimeout(5)
    assert kept_open.recv(1) == b""  # the server ended it: no client goes on talking to a stopped emulator
