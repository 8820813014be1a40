"""``sagactl http METHOD URL [--data JSON|@file]``: one request to the checkout API, signed with SigV4 (botocore's
signer, the credentials of the AWS configuration) as the storefront backend signs it.

Prints the status line, the Location header if any, and the body (JSON indented). Any HTTP answer is a result
(exit 0, as curl); a URL that cannot be reached, a missing file or missing credentials is one line and exit 2.
The region is --region, else the one in an execute-api host name (<id>.execute-api.<region>.amazonaws.com), else
the emulator's for a local URL, else the AWS configuration's.
"""

from __future__ import annotations

import argparse
import json
import re
import urllib.error
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3

from devstack.clients import EMULATOR_REGION
from devstack.http_api import HttpAnswer, call
from sagactl.errors import UserFacingError

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
EXECUTE_API_HOST = re.compile(r"^[a-z0-9]+\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def add_subcommands(sub: Any) -> None:
    http = sub.add_parser("http", help="a SigV4-signed request to the checkout API (AWS or the emulator)")
    http.add_argument("method", type=str.upper, choices=METHODS, help="HTTP method")
    http.add_argument("url", help="full URL: the stack output checkoutApiUrl followed by the route")
    http.add_argument("--data", help="the request body: JSON text, or @path to read it from a file")
    http.add_argument("--region", help="region to sign for (default: from the URL, see sagactl http --help)")
    http.add_argument("--unsigned", action="store_true", help="send the request without a signature")
    http.set_defaults(run=http_command)


def http_command(args: argparse.Namespace) -> int:
    url = urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise UserFacingError(f"not an http(s) URL: {args.url!r}")
    region = args.region or region_of_url(args.url) or boto3.session.Session().region_name
    if region is None:
        raise UserFacingError("no region to sign for; pass --region")
    credentials = None
    if not args.unsigned:
        credentials = boto3.session.Session().get_credentials()
        if credentials is None:
            raise UserFacingError("no AWS credentials to sign with (export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
    try:
        answer = call(args.method, args.url, body_of(args.data), region=region, credentials=credentials,
                      sign=not args.unsigned)
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise UserFacingError(f"cannot reach {url.scheme}://{url.netloc}: {reason}") from None
    print(render(answer))
    return 0


def region_of_url(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    found = EXECUTE_API_HOST.match(host)
    if found:
        return found["region"]
    return EMULATOR_REGION if host in LOCAL_HOSTS else None


def body_of(data: str | None) -> str | None:
    if data is None or not data.startswith("@"):
        return data
    return Path(data[1:]).read_text()


def render(answer: HttpAnswer) -> str:
    lines = [f"HTTP {answer.status}"]
    location = {k.lower(): v for k, v in answer.headers.items()}.get("location")
    if location:
        lines.append(f"Location: {location}")
    try:
        lines.append(json.dumps(json.loads(answer.body), indent=2))
    except ValueError:
        lines.append(answer.body)
    return "\n".join(lines)
