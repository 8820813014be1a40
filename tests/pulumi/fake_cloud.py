"""A Pulumi mock cloud that records every resource the program declares, with plausible AWS outputs."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
REGION = "eu-west-1"


@dataclass
class DeclaredResource:
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class FakeCloud(pulumi.runtime.Mocks):
    resources: list[DeclaredResource] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        physical = args.inputs.get("name") or f"{args.name}-0a1b2c3"
        outputs = {**args.inputs, "name": physical, **_computed(args.typ, physical)}
        self.resources.append(DeclaredResource(args.typ, args.name, dict(args.inputs), outputs))
        return f"{physical}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci", "userId": "AIDA"}
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        raise NotImplementedError(f"unexpected invoke {args.token}")

    def of_type(self, typ: str) -> list[DeclaredResource]:
        return [r for r in self.resources if r.type == typ]

    def named(self, typ: str, name: str) -> DeclaredResource:
        matches = [r for r in self.of_type(typ) if r.name == name]
        assert len(matches) == 1, f"expected one {typ} named {name}, found {[r.name for r in self.of_type(typ)]}"
        return matches[0]


def _computed(typ: str, physical: str) -> dict[str, Any]:
    prefix = f"arn:aws:{{}}:{REGION}:{ACCOUNT_ID}"
    if typ == "aws:dynamodb/table:Table":
        return {"arn": f"{prefix.format('dynamodb')}:table/{physical}"}
    if typ == "aws:lambda/function:Function":
        return {"arn": f"{prefix.format('lambda')}:function:{physical}"}
    if typ == "aws:cloudwatch/logGroup:LogGroup":
        return {"arn": f"{prefix.format('logs')}:log-group:{physical}"}
    if typ == "aws:sqs/queue:Queue":
        return {
            "arn": f"{prefix.format('sqs')}:{physical}",
            "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{physical}",
        }
    if typ == "aws:iam/role:Role":
        return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{physical}"}
    if typ == "aws:sfn/stateMachine:StateMachine":
        return {"arn": f"{prefix.format('states')}:stateMachine:{physical}"}
    if typ == "aws:kms/key:Key":
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, physical))  # stable per logical name, like a real key id
        return {"arn": f"{prefix.format('kms')}:key/{key_id}", "keyId": key_id}
    if typ == "aws:kms/alias:Alias":
        return {"arn": f"{prefix.format('kms')}:{physical}"}
    return {}


def policy_statements(resource: DeclaredResource) -> list[dict[str, Any]]:
    document = resource.inputs["policy"]
    return json.loads(document)["Statement"]
