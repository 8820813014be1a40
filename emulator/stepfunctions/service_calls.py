"""Where moto's Step Functions interpreter sends its service calls: this emulator's own port.

The interpreter calls Lambda, SQS, DynamoDB & co. with boto3 clients aimed at ``http://localhost:$MOTO_PORT``
(moto's ``settings.moto_server_port()``, default 5000): the emulator's port must be in that variable before
any execution runs, or every Task would call whatever listens on 5000.
"""

from __future__ import annotations

import os

from moto import settings

from emulator.moto_seams import Kind, MotoExtension, Signature

PORT_VARIABLE = "MOTO_PORT"


def send_service_calls_to(port: int) -> None:
    os.environ[PORT_VARIABLE] = str(port)


EXTENSION = MotoExtension(
    name="sfn-service-calls",
    kind=Kind.FIDELITY,
    purpose="the interpreter's service integrations (Lambda, SQS, ...) call this emulator, on its own port",
    module=__name__,
    seams=(Signature(settings, "moto_server_port", ()),),
    install=None,
)
