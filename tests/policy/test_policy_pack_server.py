"""The policy pack as the Pulumi engine drives it: its own process, spoken to over the analyzer gRPC protocol.

`pulumi preview --policy-pack policy` starts `policy/__main__.py`, reads the port it prints, configures it with
the policy config and asks it to analyze each resource. This does the same, without the CLI (or an AWS account).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from devstack.program import PROJECT_DIR
from policy.rules import RULES

TABLE = "aws:dynamodb/table:Table"
FUNCTION = "aws:lambda/function:Function"


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    # Started from elsewhere, as the engine does: the pack must find its own modules.
    pack = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "policy" / "__main__.py")], cwd="/", stdout=subprocess.PIPE, text=True
    )
    try:
        assert pack.stdout is not None
        port = int(pack.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        pack.kill()
        pack.wait(timeout=10)


ENFORCEMENT_LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY}


def configure(analyzer: analyzer_pb2_grpc.AnalyzerStub, environment: str) -> None:
    """As the CLI passes `--policy-pack-config`: a policy's `enforcementLevel` apart from its properties, and, where
    the file names none, the level the pack declares for the policy (every rule here: mandatory)."""
    config = json.loads((PROJECT_DIR / "policy" / "config" / f"{environment}.json").read_text())
    policy_config = {}
    for name, values in config.items():
        properties = dict(values)
        level = ENFORCEMENT_LEVELS[properties.pop("enforcementLevel", "mandatory")]
        policy_config[name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=level, properties=json_format.ParseDict(properties, struct_pb2.Struct())
        )
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))


def diagnostics(analyzer: analyzer_pb2_grpc.AnalyzerStub, resource_type: str, props: dict[str, Any]) -> list[Any]:
    response = analyzer.Analyze(
        analyzer_pb2.AnalyzeRequest(
            type=resource_type,
            properties=json_format.ParseDict(props, struct_pb2.Struct()),
            urn=f"urn:pulumi:test::checkout-saga::{resource_type}::x",
            name="x",
        )
    )
    return list(response.diagnostics)


def analyze(analyzer: analyzer_pb2_grpc.AnalyzerStub, resource_type: str, props: dict[str, Any]) -> list[str]:
    return sorted(diagnostic.policyName for diagnostic in diagnostics(analyzer, resource_type, props))


def test_the_pack_serves_every_rule_as_mandatory(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())

    assert info.name == "checkout-saga-security"
    assert [policy.name for policy in info.policies] == [rule.name for rule in RULES]
    assert {policy.enforcementLevel for policy in info.policies} == {analyzer_pb2.MANDATORY}


def test_the_pack_reports_a_broken_prod_table_and_passes_the_declared_one(analyzer, declared_stacks):
    prod = declared_stacks["prod"]
    table = prod.cloud.named(TABLE, "orders").inputs
    broken = copy.deepcopy(table) | {"deletionProtectionEnabled": False}
    configure(analyzer, "prod")

    assert analyze(analyzer, TABLE, table) == []
    assert analyze(analyzer, TABLE, broken) == ["dynamodb-deletion-protection-in-prod"]


def test_the_policy_config_decides_which_stack_is_checked(analyzer, declared_stacks):
    dev_table = declared_stacks["dev"].cloud.named(TABLE, "orders").inputs

    configure(analyzer, "dev")
    assert analyze(analyzer, TABLE, dev_table) == []
    configure(analyzer, "prod")
    assert analyze(analyzer, TABLE, dev_table) == ["dynamodb-deletion-protection-in-prod", "dynamodb-encryption"]


def test_a_prod_function_accepting_plaintext_tokens_is_a_mandatory_violation(analyzer, declared_stacks):
    validate_order = declared_stacks["prod"].cloud.named(FUNCTION, "validate-order").inputs
    variables = validate_order["environment"]["variables"] | {"ACCEPT_PLAINTEXT_PAYMENT_TOKENS": "true"}
    accepting = copy.deepcopy(validate_order) | {"environment": {"variables": variables}}
    configure(analyzer, "prod")

    assert analyze(analyzer, FUNCTION, validate_order) == []
    (reported,) = diagnostics(analyzer, FUNCTION, accepting)
    assert reported.policyName == "lambda-no-plaintext-payment-tokens-in-prod"
    assert reported.enforcementLevel == analyzer_pb2.MANDATORY
