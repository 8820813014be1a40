"""Real boto3 clients whose answers are scripted with botocore's Stubber.

The Stubber checks each request against the service model (names, types, limits such as maxResults)
and each canned response against the response shape, so pagination is tested against the real API
contract, including responses longer than one page, which moto never produces for execution history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.stub import Stubber


@dataclass
class StubbedClients:
    """Satisfies `sagactl.audit.loader.Clients` with stubbed clients."""

    region: str = "eu-west-1"
    clients: dict[str, Any] = field(default_factory=dict)
    stubbers: dict[str, Stubber] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            client = boto3.client(
                service, region_name=self.region, aws_access_key_id="testing", aws_secret_access_key="testing"
            )
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()
        return self.clients[service]

    @property
    def stepfunctions(self) -> Any:
        return self.client("stepfunctions")

    def expect(self, service: str, operation: str, response: dict[str, Any], params: dict[str, Any]) -> None:
        self.client(service)
        self.stubbers[service].add_response(operation, response, params)

    def expect_error(self, service: str, operation: str, code: str, message: str = "") -> None:
        self.client(service)
        self.stubbers[service].add_client_error(operation, service_error_code=code, service_message=message)

    def assert_all_called(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()
