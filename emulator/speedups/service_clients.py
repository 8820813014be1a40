"""One boto3 client per region and service for moto's Step Functions interpreter (speed-up sfn-boto-clients).

moto's interpreter builds a new boto3 client for every Task it runs (``boto_client_for``): a botocore client is
expensive to build, and each new one opens its own connections. The clients differ only by region and service and
botocore clients are thread-safe, so one per (region, service) serves every execution: same settings as moto's,
plus a connection pool large enough for concurrent executions. ``boto_client_for`` is imported by name into each
interpreter module that calls a service (Lambda tasks, the SQS/DynamoDB/SNS/... integrations); each module's
reference is replaced.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config
from moto.core.models import botocore_stubber
from moto.settings import moto_server_port
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.parse import asl_parser  # noqa: F401 - loads every state's module
from moto.stepfunctions.parser.asl.utils import boto_client as moto_boto_client

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, original

ClientFactory = Callable[..., Any]


def modules_calling_services() -> list[ModuleType]:
    """The interpreter's modules that imported moto's ``boto_client_for`` by name (loaded with the parser)."""
    return [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("moto.stepfunctions.parser.")
        and module is not moto_boto_client
        and original(getattr(module, "boto_client_for", None)) is moto_boto_client.boto_client_for
    ]


def replace_in_interpreter(make_replacement: Callable[[ClientFactory], ClientFactory]) -> None:
    """Replaces ``boto_client_for`` in every interpreter module that calls services (one replacement for all)."""
    modules = modules_calling_services()
    replacement = make_replacement(modules[0].boto_client_for)
    replacement.__emulator_original__ = moto_boto_client.boto_client_for  # type: ignore[attr-defined]
    for module in modules:
        module.boto_client_for = replacement  # type: ignore[attr-defined]


def _caching(make_client: ClientFactory) -> ClientFactory:
    lock = threading.Lock()  # creating clients on boto3's default session is not thread-safe
    clients: dict[tuple[str, str], Any] = {}

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if botocore_stubber.enabled:  # in-process mock_aws: moto's own path, nothing to reuse
            return make_client(region, service, state_credentials)
        client = clients.get((region, service))
        if client is None:
            with lock:
                client = clients.get((region, service)) or _new_client(region, service)
                clients[(region, service)] = client
        return client

    return boto_client_for


def _new_client(region: str, service: str) -> Any:
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


EXTENSION = MotoExtension(
    name="sfn-boto-clients",
    kind=Kind.SPEED_UP,
    purpose="the interpreter reuses one boto3 client per region and service instead of building one per Task",
    module=__name__,
    seams=(
        Signature(moto_boto_client, "boto_client_for", ("region", "service", "state_credentials")),
        Holds("lambda_eval_utils imports boto_client_for by name", lambda: lambda_eval_utils in
              modules_calling_services()),
    ),
    install=lambda: replace_in_interpreter(_caching),
)
