"""The Pulumi program as devstack runs it: stack config as the engine passes it, and a deploy that refuses what
the emulator cannot create (naming it) rather than skipping it, applies the provider's default tags, and records
the stand-ins for what moto cannot create. No emulator needed: the AWS clients are stood in where a test needs one
(tests/e2e/test_data_protection.py deploys prod on the real emulator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from devstack.deploy import STAND_INS, CreatedResource, EmulatorProvider, UnsupportedResourceError, deploy
from devstack.program import StackConfigError, project_name, stack_config


def tiny_project(directory: Path, program: str, config: str = "config:\n  aws:region: eu-west-1\n") -> Path:
    (directory / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(config)
    (directory / "__main__.py").write_text(program)
    return directory


def test_an_unsupported_resource_is_reported_by_name(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, 'import pulumi_aws as aws\naws.ec2.Vpc("receipts", cidr_block="10.0.0.0/16")\n')

    with pytest.raises(UnsupportedResourceError, match=r"'receipts' of type aws:ec2/vpc:Vpc"):
        deploy("http://127.0.0.1:9", "dev", project_dir=project)


def test_an_unknown_stack_lists_the_stacks_there_are() -> None:
    with pytest.raises(StackConfigError, match=r"no stack file Pulumi.staging.yaml; stacks in .*: dev, prod"):
        deploy("http://127.0.0.1:9", "staging")


def test_config_values_reach_the_program_as_strings_as_the_engine_passes_them(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "", "config:\n  tiny:retries: 3\n  tiny:strict: true\n  aws:region: eu-west-1\n")

    assert stack_config("dev", project) == {"tiny:retries": "3", "tiny:strict": "true", "aws:region": "eu-west-1"}
    assert project_name(project) == "tiny"


def test_structured_config_reaches_the_program_as_json_as_the_engine_passes_it(tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "", "config:\n  tiny:limits:\n    refund: 5\n    validate: 20\n")

    assert json.loads(stack_config("dev", project)["tiny:limits"]) == {"refund": 5, "validate": 20}


def test_the_real_stacks_name_their_region() -> None:
    assert stack_config("dev")["aws:region"] == stack_config("prod")["aws:region"] == "eu-west-1"


# --- the deployer's own parts, with the AWS clients stood in ------------------------------------------------


class Recorder:
    """An AWS client that records each call and answers what the deployer reads of the answer."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers

    def __getattr__(self, operation: str) -> Any:
        def call(**request: Any) -> dict[str, Any]:
            self.calls.append((operation, request))
            return self.answers.get(operation, {})

        return call


def provider_with(**clients: Recorder) -> EmulatorProvider:
    provider = EmulatorProvider(endpoint_url="http://127.0.0.1:9", region="eu-west-1")
    provider._clients.update(clients)
    provider._clients["sts"] = Recorder({"get_caller_identity": {"Account": "123456789012"}})
    return provider


def register(provider: EmulatorProvider, typ: str, name: str, inputs: dict[str, Any], via: str | None = None):
    return provider.new_resource(pulumi.runtime.MockResourceArgs(typ, name, inputs, provider=via, custom=True))


def test_the_provider_s_default_tags_go_on_what_is_created_through_it() -> None:
    logs = Recorder({"describe_log_groups": {"logGroups": [{"logGroupName": "/g", "arn": "arn:aws:logs:x:/g:*"}]}})
    provider = provider_with(logs=logs)
    tags = {"application": "checkout-saga", "stack": "prod", "owner": "checkout-team"}
    provider_id, _ = register(provider, "pulumi:providers:aws", "aws", {"defaultTags": json.dumps({"tags": tags})})

    via = f"urn:pulumi:prod::checkout-saga::pulumi:providers:aws::aws::{provider_id}"
    _, outputs = register(provider, "aws:cloudwatch/logGroup:LogGroup", "g", {"name": "/g"}, via=via)

    (create,) = [request for operation, request in logs.calls if operation == "create_log_group"]
    assert create["tags"] == tags and outputs["tagsAll"] == tags
    untagged = provider_with(logs=logs)
    register(untagged, "aws:cloudwatch/logGroup:LogGroup", "g", {"name": "/g"}, via="urn:default::d")
    assert "tags" not in [request for operation, request in logs.calls if operation == "create_log_group"][-1]


def test_a_function_with_signed_code_is_created_from_its_s3_object_with_its_reservation() -> None:
    lambda_client = Recorder({"create_function": {"FunctionArn": "arn:aws:lambda:eu-west-1:1:function:f:1",
                                                  "Version": "1", "CodeSha256": "c2hh"}})
    provider = provider_with(**{"lambda": lambda_client})
    inputs = {
        "name": "f", "runtime": "python3.13", "role": "arn:aws:iam::1:role/r", "handler": "m.lambda_handler",
        "s3Bucket": "artifacts", "s3Key": "signed/f-code/job.zip", "reservedConcurrentExecutions": 5,
        "codeSigningConfigArn": "arn:aws:lambda:eu-west-1:1:code-signing-config:csc-1", "publish": True,
    }

    _, outputs = register(provider, "aws:lambda/function:Function", "f", inputs)

    (create,) = [request for operation, request in lambda_client.calls if operation == "create_function"]
    assert create["Code"] == {"S3Bucket": "artifacts", "S3Key": "signed/f-code/job.zip"}
    assert create["CodeSigningConfigArn"] == inputs["codeSigningConfigArn"]
    assert ("put_function_concurrency", {"FunctionName": "f", "ReservedConcurrentExecutions": 5}) in lambda_client.calls
    assert "code" not in outputs
    # Published: the answer describes version 1, which is what a workflow invokes.
    assert create["Publish"] is True
    assert outputs["arn"] == "arn:aws:lambda:eu-west-1:1:function:f"
    assert outputs["qualifiedArn"] == "arn:aws:lambda:eu-west-1:1:function:f:1"


def test_the_signing_job_stand_in_copies_the_unsigned_object_where_the_signed_one_would_be() -> None:
    s3 = Recorder({})
    provider = provider_with(s3=s3)
    inputs = {
        "profileName": "checkout_saga_code_signing_prod_x",
        "source": {"s3": {"bucket": "artifacts", "key": "unsigned/f-code.zip", "version": "v1"}},
        "destination": {"s3": {"bucket": "artifacts", "prefix": "signed/f-code/"}},
    }

    job_id, outputs = register(provider, "aws:signer/signingJob:SigningJob", "f-code-signing", inputs)

    ((operation, copy),) = s3.calls
    (signed,) = outputs["signedObjects"][0]["s3s"]
    assert operation == "copy_object"
    assert copy["CopySource"] == {"Bucket": "artifacts", "Key": "unsigned/f-code.zip", "VersionId": "v1"}
    expected = ("artifacts", f"signed/f-code/{job_id}.zip")
    assert (copy["Bucket"], copy["Key"]) == (signed["bucket"], signed["key"]) == expected


def test_the_stand_ins_are_exactly_what_moto_cannot_create_and_each_says_what_is_not_reproduced() -> None:
    assert set(STAND_INS) == {
        "aws:signer/signingJob:SigningJob",
        "aws:lambda/codeSigningConfig:CodeSigningConfig",
        "aws:backup/selection:Selection",
    }
    assert all("locally" in what or "unsigned" in what for what in STAND_INS.values())


# --- redeploys: updates in place ----------------------------------------------------------------------------------

ALIAS_ARN = "arn:aws:states:eu-west-1:1:stateMachine:m:live"


def redeploying(previous: list[CreatedResource], **clients: Recorder) -> EmulatorProvider:
    provider = EmulatorProvider(endpoint_url="http://127.0.0.1:9", region="eu-west-1", previous=previous)
    provider._clients.update(clients)
    return provider


def test_a_redeploy_leaves_an_unchanged_resource_alone() -> None:
    logs = Recorder({})
    inputs = {"name": "/g", "retentionInDays": 14}
    before = CreatedResource("aws:cloudwatch/logGroup:LogGroup", "g", "/g", {**inputs, "arn": "arn:g"}, inputs)

    physical_id, outputs = register(redeploying([before], logs=logs), before.type, "g", inputs)

    assert (physical_id, outputs, logs.calls) == ("/g", before.outputs, [])


def test_a_redeploy_refuses_a_change_it_cannot_make_in_place_naming_it() -> None:
    inputs = {"name": "/g", "retentionInDays": 14}
    before = CreatedResource("aws:cloudwatch/logGroup:LogGroup", "g", "/g", dict(inputs), inputs)

    with pytest.raises(UnsupportedResourceError, match=r"resource 'g' .*in place \(changed: retentionInDays\)"):
        register(redeploying([before], logs=Recorder({})), before.type, "g", {**inputs, "retentionInDays": 30})


def test_a_redeploy_reroutes_a_changed_alias() -> None:
    sfn = Recorder({})
    old = {"name": "live", "routingConfigurations": [{"stateMachineVersionArn": "m:1", "weight": 100}]}
    new = {"name": "live", "routingConfigurations": [{"stateMachineVersionArn": "m:2", "weight": 10.0},
                                                     {"stateMachineVersionArn": "m:1", "weight": 90.0}]}
    before = CreatedResource("aws:sfn/alias:Alias", "checkout-live", ALIAS_ARN, {**old, "arn": ALIAS_ARN}, old)

    physical_id, outputs = register(redeploying([before], stepfunctions=sfn), before.type, "checkout-live", new)

    assert physical_id == ALIAS_ARN and outputs["arn"] == ALIAS_ARN
    assert sfn.calls == [("update_state_machine_alias", {
        "stateMachineAliasArn": ALIAS_ARN,
        "routingConfiguration": [{"stateMachineVersionArn": "m:2", "weight": 10},
                                 {"stateMachineVersionArn": "m:1", "weight": 90}],
    })]
