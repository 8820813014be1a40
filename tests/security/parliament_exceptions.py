"""The only parliament findings the stack's policy documents may have, each with the reason it is not a flaw.

Parliament runs with its default auditors and its community auditors. Zero findings otherwise: the `*`
resources AWS requires (X-Ray, CloudWatch Logs delivery; components/iam.py WILDCARD_RESOURCE_ACTIONS) raise
none, because parliament knows those actions have no resource-level permissions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exception_:
    issue: str
    # What kind of document: "role policy", "trust policy" or "key policy".
    document: str
    # The actions that cause the finding: without them, the document has none (the test checks this).
    actions: frozenset[str]
    reason: str


DOCUMENTED = (
    Exception_(
        "RESOURCE_MISMATCH",
        "key policy",
        frozenset({"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}),
        "Creating or retargeting an alias needs the permission on the alias (IAM) and on the key (its key policy, "
        "linted with the key's ARN as resource); parliament's action table only knows the alias resource.",
    ),
    Exception_(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "key policy",
        frozenset({"kms:PutKeyPolicy", "kms:RevokeGrant", "kms:CreateGrant"}),
        "The account root administers the key (kms:PutKeyPolicy, revoking grants): AWS requires a key policy to keep "
        "the key manageable; root gets no cryptographic use of it. kms:CreateGrant only through DynamoDB, which "
        "grants itself the use of a table's key.",
    ),
    Exception_(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "role policy",
        frozenset({"logs:PutResourcePolicy"}),
        "logs:PutResourcePolicy, which Step Functions needs to set up vended log delivery (allow-listed with its "
        "reason in components/iam.py).",
    ),
    Exception_(
        "CREDENTIALS_EXPOSURE",
        "trust policy",
        frozenset({"sts:AssumeRole"}),
        "sts:AssumeRole returns credentials: that is what a role's trust policy grants, to one AWS service, for "
        "this account (and state machine) only.",
    ),
)
