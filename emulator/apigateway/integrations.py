"""What a method's integration does: an AWS integration calls the named Step Functions action on this emulator, as
API Gateway would with the integration's role; a MOCK integration answers the status its request template names."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import settings

STEP_FUNCTIONS_ACTION = re.compile(r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]+):states:action/(?P<action>\w+)$")
# The emulator does not check IAM: any credentials sign the call (the integration role's are not assumed).
_CREDENTIALS = Credentials("testing", "testing")
_TIMEOUT_SECONDS = 29  # API Gateway's default integration timeout


class UnsupportedIntegrationError(ValueError):
    pass


@dataclass(frozen=True)
class IntegrationAnswer:
    status: int
    body: str


def call_aws(uri: str, body: str) -> IntegrationAnswer:
    target = STEP_FUNCTIONS_ACTION.match(uri or "")
    if target is None:
        raise UnsupportedIntegrationError(f"the emulator serves AWS integrations with Step Functions only, not {uri}")
    request = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:{settings.moto_server_port()}/",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"AWSStepFunctions.{target['action']}",
        },
    )
    SigV4Auth(_CREDENTIALS, "states", target["region"]).add_auth(request)
    prepared = urllib.request.Request(
        request.url, data=request.body, headers=dict(request.headers.items()), method="POST"
    )
    try:
        with urllib.request.urlopen(prepared, timeout=_TIMEOUT_SECONDS) as response:
            return IntegrationAnswer(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return IntegrationAnswer(error.code, error.read().decode())


def call_mock(rendered_request: str) -> IntegrationAnswer:
    try:
        status = int(json.loads(rendered_request)["statusCode"])
    except (ValueError, KeyError, TypeError):
        status = 500  # as API Gateway: a MOCK request template must name a statusCode
    return IntegrationAnswer(status, "")
