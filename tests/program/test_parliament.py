"""Every policy document the program declares, for dev and prod, linted with parliament (offline).

Role policies as they are; trust, key and topic policies with their implicit resource made explicit (the role
itself; the key, which is what "*" means in a key policy; the topic), since parliament lints identity policies.
Zero findings, except those documented with their reason in DOCUMENTED below, and each of those must be caused by
exactly the actions it lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from parliament import analyze_policy_string

# --- The only findings the stack's policy documents may have, each with the reason it is not a flaw -----------
#
# Parliament runs with its default auditors and its community auditors. Zero findings otherwise: the `*`
# resources AWS requires (X-Ray, CloudWatch Logs delivery; components/iam.py WILDCARD_RESOURCE_ACTIONS) raise
# none, because parliament knows those actions have no resource-level permissions.


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
        frozenset({"kms:PutKeyPolicy", "kms:RevokeGrant", "kms:CreateGrant", "kms:RetireGrant"}),
        "The account root administers the key (kms:PutKeyPolicy, revoking grants): AWS requires a key policy to keep "
        "the key manageable; root gets no cryptographic use of it. kms:CreateGrant only through DynamoDB, which "
        "grants itself the use of a table's key, and through AWS Backup (with kms:RetireGrant), which keeps grants "
        "on the vault's key for as long as the vault holds recovery points.",
    ),
    Exception_(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "role policy",
        frozenset({"logs:PutResourcePolicy"}),
        "logs:PutResourcePolicy, which Step Functions needs to set up vended log delivery (allow-listed with its "
        "reason in components/iam.py).",
    ),
    Exception_(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "role policy",
        frozenset({"kms:CreateGrant"}),
        "AWS Backup's role (prod) may create grants on the stack's key for AWS resources only "
        "(kms:GrantIsForAWSResource): DynamoDB and AWS Backup hold the recovery points with them, as AWS's "
        "AWSBackupServiceRolePolicyForBackup allows.",
    ),
    Exception_(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "role policy",
        frozenset({"kms:Decrypt"}),
        "lambda:SourceFunctionArn on ProcessPayment's grant to unseal: a global condition key Lambda sets on every "
        "call made with a function's execution-role credentials (2022), which parliament's action table predates.",
    ),
    Exception_(
        "RESOURCE_MISMATCH",
        "role policy",
        frozenset({"states:DescribeExecution"}),
        "The checkout API reads the saga's (Standard) executions, arn:...:execution:<machine>:*, the resource type "
        "AWS documents for DescribeExecution; parliament's action table lists only its Express resource type.",
    ),
    Exception_(
        "CREDENTIALS_EXPOSURE",
        "trust policy",
        frozenset({"sts:AssumeRole"}),
        "sts:AssumeRole returns credentials: that is what a role's trust policy grants, to one AWS service, for "
        "this account (and state machine) only.",
    ),
)


DOCUMENT_FIELDS = {
    "aws:iam/rolePolicy:RolePolicy": ("role policy", "policy"),
    "aws:iam/role:Role": ("trust policy", "assumeRolePolicy"),
    "aws:kms/key:Key": ("key policy", "policy"),
    "aws:sns/topicPolicy:TopicPolicy": ("topic policy", "policy"),
}


@dataclass(frozen=True)
class Document:
    kind: str
    owner: str
    policy: dict[str, Any]


def documents(stack: Any) -> Iterator[Document]:
    for resource in stack.resources:
        if resource.type not in DOCUMENT_FIELDS:
            continue
        kind, field = DOCUMENT_FIELDS[resource.type]
        policy = json.loads(resource.inputs[field])
        if kind != "role policy":
            for statement in policy["Statement"]:
                statement["Resource"] = resource.outputs["arn"]
        yield Document(kind, resource.name, policy)


def findings(policy: dict[str, Any]) -> set[str]:
    analyzed = analyze_policy_string(json.dumps(policy), ignore_private_auditors=True, include_community_auditors=True)
    return {finding.issue for finding in analyzed.findings}


def without(policy: dict[str, Any], actions: frozenset[str]) -> dict[str, Any]:
    statements = []
    for statement in policy["Statement"]:
        listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        kept = [action for action in listed if action not in actions]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**policy, "Statement": statements}


def explained_by(document: Document, issue: str) -> Exception_ | None:
    for exception in DOCUMENTED:
        if (exception.issue, exception.document) == (issue, document.kind) and issue not in findings(
            without(document.policy, exception.actions)
        ):
            return exception
    return None


def test_every_policy_document_is_clean_but_for_the_documented_exceptions(declared_stack):
    linted = list(documents(declared_stack))
    assert {d.kind for d in linted} == {"role policy", "trust policy", "key policy", "topic policy"}
    unexplained = {
        (document.kind, document.owner, issue)
        for document in linted
        for issue in findings(document.policy)
        if explained_by(document, issue) is None
    }

    assert unexplained == set()


def test_every_documented_exception_is_still_needed(declared_stacks):
    used = {
        explained_by(document, issue)
        for stack in declared_stacks.values()
        for document in documents(stack)
        for issue in findings(document.policy)
    }

    assert used == set(DOCUMENTED)


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:dynamodb:eu-west-1:1:table/t"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    ],
    ids=["wildcard-action", "resource-star", "resource-mismatch", "privilege-escalation"],
)
def test_the_lint_would_catch_a_broad_grant(statement):
    assert findings({"Version": "2012-10-17", "Statement": [statement]})
