"""boto3 clients for AWS or the emulator: the same code path, only ``endpoint_url`` differs.

The one client factory of the tooling (sagactl, bench, tests). Against the emulator any credentials do and
its region is the default; against AWS the normal credential chain and region apply.

One thing beyond the endpoint: botocore sends StartSyncExecution to the ``sync-`` host prefix, i.e. to
``http://sync-127.0.0.1:4566`` for a local endpoint, a name that does not resolve. Host-prefix injection is
turned off for the emulator (``Config(inject_host_prefix=False)``); an AWS CLI or SDK process gets
``AWS_DISABLE_HOST_PREFIX_INJECTION=true`` from ``client_environment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

EMULATOR_PORT = 4566  # LocalStack's port, which tools and habits expect
EMULATOR_REGION = "eu-west-1"
EMULATOR_ACCOUNT_ID = "123456789012"  # moto's default account, which any credentials map to
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def client_environment(endpoint_url: str, region: str = EMULATOR_REGION) -> dict[str, str]:
    """Variables that point an AWS CLI / SDK process at the emulator (merge into its environment)."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }


@dataclass
class AwsClients:
    """Clients made on first use and kept. ``region`` defaults to the emulator's with an ``endpoint_url``."""

    region: str | None = None
    endpoint_url: str | None = None
    max_pool_connections: int = 50
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.endpoint_url and not self.region:
            self.region = EMULATOR_REGION
        credentials: dict[str, str] = {}
        if self.endpoint_url:
            credentials = {
                "aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "aws_session_token": FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
            }
        self._session = boto3.session.Session(region_name=self.region, **credentials)
        self._config = Config(
            max_pool_connections=self.max_pool_connections,
            retries={"mode": "standard"},
            # AWS's own endpoints need the sync- host prefix; a local endpoint cannot resolve it.
            inject_host_prefix=not self.endpoint_url,
        )

    @classmethod
    def for_emulator(cls, endpoint_url: str, **options: Any) -> AwsClients:
        return cls(region=EMULATOR_REGION, endpoint_url=endpoint_url, **options)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self.endpoint_url, config=self._config)
        return self._clients[service]

    @property
    def stepfunctions(self) -> Any:
        return self.client("stepfunctions")

    @property
    def dynamodb(self) -> Any:
        return self.client("dynamodb")
