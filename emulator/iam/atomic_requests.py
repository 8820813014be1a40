"""IAM requests one at a time (extension iam-atomic-requests).

moto's IAM keeps roles and policies in plain dicts and reads them by iterating over every one (GetRole walks all
roles to find one by name), with no lock: a deploy creates roles, policies and attachments side by side (Pulumi
registers resources concurrently), and a CreateRole landing during another request's walk failed it with
"dictionary changed size during iteration", a 500 that stopped the deploy. IAM is a control plane; one lock
around each request costs nothing a developer feels.
"""

from __future__ import annotations

from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, around
from emulator.thread_safety.one_request_at_a_time import one_at_a_time

EXTENSION = MotoExtension(
    name="iam-atomic-requests",
    kind=Kind.FIDELITY,
    purpose="each IAM request runs alone: concurrent deploy steps no longer fail with a 500",
    module=__name__,
    seams=(
        Signature(IamResponse, "call_action", ("self",)),
        SourceLine(IAMBackend, "get_role", "for role in self.get_roles():"),
    ),
    install=lambda: around(IamResponse, "call_action", one_at_a_time()),
)
