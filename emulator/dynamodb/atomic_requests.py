"""Every DynamoDB request atomic, as DynamoDB makes it (extension dynamodb-atomic-requests).

moto's DynamoDB has no locking: a conditional write checks, then writes, and under concurrent sagas another
write could land in between and pass a check it had just invalidated; a cancelled TransactWriteItems puts back
copies of the items it touched, wiping writes that other requests made meanwhile (seen as lost stock and
"dictionary changed size during iteration" 500s). One lock around each request restores DynamoDB's promise;
moto's pure-Python work was serialized by the interpreter lock anyway.
"""

from __future__ import annotations

from moto.dynamodb.responses import DynamoHandler

from emulator.moto_seams import Kind, MotoExtension, Signature, around
from emulator.thread_safety.one_request_at_a_time import one_at_a_time

EXTENSION = MotoExtension(
    name="dynamodb-atomic-requests",
    kind=Kind.FIDELITY,
    purpose="each DynamoDB request runs alone: conditional writes and transactions are atomic, as on DynamoDB",
    module=__name__,
    seams=(Signature(DynamoHandler, "call_action", ("self",)),),
    install=lambda: around(DynamoHandler, "call_action", one_at_a_time()),
)
