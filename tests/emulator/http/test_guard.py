"""Only local clients drive the emulator: a web page's requests are refused, whether cross-origin or rebound.

The review's finding, reproduced: with browser-style requests alone (an Origin header, or a Host header naming the
page's own domain re-pointed at 127.0.0.1), a page could create a Lambda function from its own zip and invoke it,
running its code on the host. The same requests without those headers (as the CLI and SDKs send them) still work,
which proves the chain is real and that the guard is what stops it.
"""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devstack.emulator_process import EmulatorProcess
from emulator.http.guard import LocalClientsOnly

FOREIGN_ORIGIN = "http://evil.example"
# moto tells services apart by the credential scope; a page may send any header once the preflight passed.
LAMBDA_AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/lambda/aws4_request, "
                        "SignedHeaders=host, Signature=0")
# What the page's zip does on the host: leave a mark where the test can see it.
MARK_CODE = """
from pathlib import Path

def handler(event, context):
    Path(event["mark"]).write_text("the page's code ran on the host")
    return "done"
"""


def request(
    emulator: EmulatorProcess, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
    host: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    port = int(emulator.endpoint_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def create_function_request(name: str, role_arn: str, zip_bytes: bytes) -> tuple[str, bytes]:
    body = {"FunctionName": name, "Runtime": "python3.13", "Role": role_arn, "Handler": "app.handler",
            "Code": {"ZipFile": base64.b64encode(zip_bytes).decode()}}
    return "/2015-03-31/functions", json.dumps(body).encode()


def page_chain(
    emulator: EmulatorProcess, kit: Any, mark: Path, headers: dict[str, str], host: str | None = None
) -> list[int]:
    """The page's attack: preflight, create a function from its zip, invoke it. Returns the status codes."""
    name = kit.unique_name("page")
    path, body = create_function_request(name, kit.role_arn, kit.zip_source({"app.py": MARK_CODE}))
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    statuses = [request(emulator, "OPTIONS", path, headers={**headers, **preflight}, host=host)[0]]
    json_headers = {**headers, "Content-Type": "application/json", "Authorization": LAMBDA_AUTHORIZATION}
    statuses.append(request(emulator, "POST", path, body, json_headers, host)[0])
    invoke = f"/2015-03-31/functions/{name}/invocations"
    statuses.append(request(emulator, "POST", invoke, json.dumps({"mark": str(mark)}).encode(), json_headers, host)[0])
    return statuses


def test_a_cross_origin_page_cannot_create_and_run_a_function(emulator: EmulatorProcess, kit: Any, tmp_path: Path):
    mark = tmp_path / "mark"

    assert page_chain(emulator, kit, mark, {"Origin": FOREIGN_ORIGIN}) == [403, 403, 403]
    assert not mark.exists()


def test_a_rebound_domain_cannot_either(emulator: EmulatorProcess, kit: Any, tmp_path: Path):
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    mark = tmp_path / "mark"

    # Same origin as far as the browser knows: no Origin on a GET, its own on a POST; the Host is its domain.
    assert page_chain(emulator, kit, mark, {"Origin": f"http://rebound.example:{port}"},
                      host=f"rebound.example:{port}") == [403, 403, 403]
    assert page_chain(emulator, kit, mark, {}, host=f"rebound.example:{port}") == [403, 403, 403]
    assert not mark.exists()


def test_the_same_requests_from_a_local_client_do_run_the_code(emulator: EmulatorProcess, kit: Any, tmp_path: Path):
    """The control: without a web page's headers the chain works, so the refusals above are the guard's doing."""
    mark = tmp_path / "mark"

    statuses = page_chain(emulator, kit, mark, {})

    assert statuses[1:] == [201, 200]
    assert mark.read_text() == "the page's code ran on the host"


@pytest.mark.parametrize("path", ["/", "/moto-api/reset", "/moto-api/config", "/emulator-api/faults"])
def test_every_route_refuses_a_foreign_host(emulator: EmulatorProcess, path: str):
    port = emulator.endpoint_url.rsplit(":", 1)[1]

    status, headers, body = request(emulator, "GET", path, host=f"attacker.example:{port}")

    assert status == 403 and "access-control-allow-origin" not in headers
    assert b"is not this emulator's address" in body


@pytest.mark.parametrize("path", ["/", "/moto-api/config", "/emulator-api/faults"])
def test_every_route_refuses_a_foreign_origin_without_cors_headers(emulator: EmulatorProcess, path: str):
    status, headers, _ = request(emulator, "OPTIONS", path, headers={
        "Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-amz-target"})

    assert status == 403 and "access-control-allow-origin" not in headers


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_local_names_and_the_emulators_own_origin_are_served(emulator: EmulatorProcess, name: str):
    port = emulator.endpoint_url.rsplit(":", 1)[1]

    status, headers, _ = request(emulator, "GET", "/emulator-api/faults", host=f"{name}:{port}",
                                 headers={"Origin": f"http://{name}:{port}"})

    assert status == 200 and "access-control-allow-origin" not in headers


def app_answering(calls: list[dict[str, Any]]) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        calls.append(environ)
        start_response("200 OK", [("Access-Control-Allow-Origin", "*"), ("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def call(guard: LocalClientsOnly, method: str, host: str, origin: str | None) -> tuple[str, list[tuple[str, str]]]:
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answered.update(status=status, headers=headers)

    environ = {"REQUEST_METHOD": method, "HTTP_HOST": host, **({"HTTP_ORIGIN": origin} if origin else {})}
    guard(environ, start_response)
    return answered["status"], answered["headers"]


def test_a_configured_origin_gets_cors_and_its_preflight_answered():
    calls: list[dict[str, Any]] = []
    guard = LocalClientsOnly(app_answering(calls), 4566, allowed_origins=["http://localhost:3000/"])

    status, headers = call(guard, "OPTIONS", "127.0.0.1:4566", "http://localhost:3000")
    assert status.startswith("204") and ("Access-Control-Allow-Origin", "http://localhost:3000") in headers
    assert calls == []  # the preflight never reaches moto

    status, headers = call(guard, "POST", "127.0.0.1:4566", "http://localhost:3000")
    allow = [value for name, value in headers if name == "Access-Control-Allow-Origin"]
    assert status.startswith("200") and allow == ["http://localhost:3000"]  # moto's "*" is replaced

    assert call(guard, "POST", "127.0.0.1:4566", "http://localhost:3001")[0].startswith("403")


def test_remote_clients_allowed_explicitly_may_name_any_host_but_still_not_a_foreign_origin():
    guard = LocalClientsOnly(app_answering([]), 4566, any_host=True)

    assert call(guard, "GET", "build-box.lan:4566", None)[0].startswith("200")
    assert call(guard, "GET", "build-box.lan:4566", FOREIGN_ORIGIN)[0].startswith("403")
    assert call(LocalClientsOnly(app_answering([]), 4566), "GET", "build-box.lan:4566", None)[0].startswith("403")
