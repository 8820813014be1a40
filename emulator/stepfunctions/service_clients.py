"""Reused boto3 clients for moto's Step Functions interpreter.

moto's interpreter builds a new boto3 client for every Task it runs (``boto_client_for``), which costs
~3 ms of CPU each: at saga rates that is a large share of the emulator's single (GIL-bound) core. The
clients are identical apart from region and service, and botocore clients are thread-safe, so one per
(region, service) serves all executions. Same settings as moto's, plus a connection pool large enough
for concurrent executions. The Lambda client answers Invoke in-process (sfn_lambda_in_process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from moto.core.models import botocore_stubber
from moto.settings import moto_server_port
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds

from emulator import speedups as performance
from emulator.speedups import sfn_lambda_in_process

_lock = threading.Lock()  # creating clients on boto3's default session is not thread-safe
_clients: dict[tuple[str, str], Any] = {}


def cached_boto_client_for(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps moto's ``boto_client_for(region, service, state_credentials=None)``."""

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if botocore_stubber.enabled:  # in-process mock_aws: moto's own path, nothing to reuse
            return original(region, service, state_credentials)
        if not performance.enabled("sfn-boto-clients"):
            return _new_client(region, service)
        key = (region, service)
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.get(key) or _new_client(region, service)
                _clients[key] = client
        return client

    return boto_client_for


def _new_client(region: str, service: str) -> Any:
    client = _http_client(region, service)
    if service == "lambda" and sfn_lambda_in_process.enabled():
        return sfn_lambda_in_process.InProcessLambdaClient(client)
    return client


def _http_client(region: str, service: str) -> Any:
    return boto3.client(
        service_name=service,
        region_name=region,
        endpoint_url=f"http://localhost:{moto_server_port()}",
        aws_access_key_id="ak",
        aws_secret_access_key="sk",
        config=Config(
            parameter_validation=False,
            retries={"max_attempts": 0, "total_max_attempts": 1},
            connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
            read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
            max_pool_connections=64,
        ),
    )
