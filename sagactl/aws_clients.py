"""boto3 clients for AWS or the emulator: the same code path, only `endpoint_url` differs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

EMULATOR_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class AwsClients:
    region: str | None = None
    endpoint_url: str | None = None
    max_pool_connections: int = 50
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # On the emulator any credentials do; on AWS the normal credential chain applies.
        credentials = EMULATOR_CREDENTIALS if self.endpoint_url else {}
        self._session = boto3.session.Session(region_name=self.region, **credentials)
        self._config = Config(
            max_pool_connections=self.max_pool_connections,
            retries={"mode": "standard"},
            # botocore sends StartSyncExecution to a "sync-" host prefix, which does not resolve for a local
            # endpoint; AWS's own endpoints need it, so it is only turned off for the emulator.
            inject_host_prefix=not self.endpoint_url,
        )

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
