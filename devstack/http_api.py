"""Calls to the checkout API over real HTTP, signed with SigV4 (botocore's signer) as a storefront backend signs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "execute-api"


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    method: str,
    url: str,
    body: str | bytes | None = None,
    *,
    region: str,
    credentials: Credentials | None = None,
    sign: bool = True,
    headers: dict[str, str] | None = None,
    timeout_s: float = 60,
) -> HttpAnswer:
    """One request; `sign=False` sends it unsigned. Any HTTP status is an answer, not an exception."""
    data = body.encode() if isinstance(body, str) else body
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    request = AWSRequest(method=method, url=url, data=data, headers=all_headers)
    if sign:
        SigV4Auth(credentials or Credentials("testing", "testing"), SERVICE, region).add_auth(request)
    prepared = urllib.request.Request(url, data=data, headers=dict(request.headers.items()), method=method)
    try:
        with urllib.request.urlopen(prepared, timeout=timeout_s) as response:
            return HttpAnswer(response.status, response.read().decode(), dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        return HttpAnswer(error.code, error.read().decode(), dict(error.headers.items()))
