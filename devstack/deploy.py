"""Deploy the real Pulumi program onto the emulator: each declared resource is created through the AWS API.

The provider below is a `pulumi.runtime.Mocks`: the SDK calls `new_resource` for every resource, in
dependency order, with the program's inputs (camelCase). We create the resource on the emulator with
boto3 and return its real ARN/ID/URL, so dependants (policies, definitions) see real identifiers.
A resource type we do not know how to create is an error naming it, never silently skipped.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pulumi
from statelint.linter import Linter

from devstack.archives import archive_to_zip
from devstack.program import PROJECT_DIR, run_program, stack_config

Outputs = dict[str, Any]


class UnsupportedResourceError(RuntimeError):
    pass


class InvalidDefinitionError(ValueError):
    pass


@dataclass
class CreatedResource:
    type: str
    name: str
    physical_id: str
    outputs: Outputs


@dataclass
class EmulatorProvider(pulumi.runtime.Mocks):
    endpoint_url: str
    region: str
    created: list[CreatedResource] = field(default_factory=list)
    on_created: Callable[[CreatedResource], None] | None = None

    def __post_init__(self) -> None:
        self._session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
        )
        self._clients: dict[str, Any] = {}
        self._creators: dict[str, Callable[[str, Outputs], tuple[str, Outputs]]] = {
            "aws:dynamodb/table:Table": self._table,
            "aws:cloudwatch/logGroup:LogGroup": self._log_group,
            "aws:iam/role:Role": self._role,
            "aws:iam/rolePolicy:RolePolicy": self._role_policy,
            "aws:lambda/function:Function": self._function,
            "aws:sqs/queue:Queue": self._queue,
            "aws:sfn/stateMachine:StateMachine": self._state_machine,
            "aws:kms/key:Key": self._kms_key,
            "aws:kms/alias:Alias": self._kms_alias,
        }

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, Outputs]:
        if not args.custom:  # a ComponentResource: a grouping in the program, nothing to create
            return None, {}
        creator = self._creators.get(args.typ)
        if creator is None:
            raise UnsupportedResourceError(
                f"the emulator cannot create resource '{args.name}' of type {args.typ}; "
                f"supported types: {', '.join(sorted(self._creators))}"
            )
        physical_id, outputs = creator(args.name, dict(args.inputs))
        created = CreatedResource(args.typ, args.name, physical_id, outputs)
        self.created.append(created)
        if self.on_created:
            self.on_created(created)
        return physical_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> Outputs:  # type: ignore[override]  # dicts are accepted
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            identity = self.client("sts").get_caller_identity()
            return {
                "accountId": identity["Account"],
                "arn": identity["Arn"],
                "userId": identity["UserId"],
                "id": identity["Account"],
            }
        if args.token == "aws:index/getRegion:getRegion":
            return {
                "region": self.region,
                "name": self.region,
                "id": self.region,
                "endpoint": self.endpoint_url,
                "description": "embedded emulator",
            }
        raise UnsupportedResourceError(f"the emulator cannot answer the data source {args.token}")

    # --- one creator per resource type -------------------------------------------------------------

    def _table(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        table_name = inputs.get("name") or _autoname(name)
        key_schema = [{"AttributeName": inputs["hashKey"], "KeyType": "HASH"}]
        if inputs.get("rangeKey"):
            key_schema.append({"AttributeName": inputs["rangeKey"], "KeyType": "RANGE"})
        dynamodb = self.client("dynamodb")
        sse = inputs.get("serverSideEncryption") or {}
        sse_spec: dict[str, Any] = {"Enabled": bool(sse.get("enabled"))}
        if sse.get("kmsKeyArn"):
            sse_spec.update(SSEType="KMS", KMSMasterKeyId=sse["kmsKeyArn"])
        description = dynamodb.create_table(
            TableName=table_name,
            KeySchema=key_schema,
            AttributeDefinitions=[
                {"AttributeName": a["name"], "AttributeType": a["type"]} for a in inputs["attributes"]
            ],
            BillingMode=inputs.get("billingMode", "PAY_PER_REQUEST"),
            SSESpecification=sse_spec,
            DeletionProtectionEnabled=bool(inputs.get("deletionProtectionEnabled")),
        )["TableDescription"]
        ttl = inputs.get("ttl") or {}
        if ttl.get("enabled"):
            dynamodb.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["attributeName"]},
            )
        if (inputs.get("pointInTimeRecovery") or {}).get("enabled"):
            dynamodb.update_continuous_backups(
                TableName=table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        return table_name, {**inputs, "name": table_name, "arn": description["TableArn"]}

    def _log_group(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        group_name = inputs.get("name") or _autoname(name)
        logs = self.client("logs")
        extra = {"kmsKeyId": inputs["kmsKeyId"]} if inputs.get("kmsKeyId") else {}
        logs.create_log_group(logGroupName=group_name, **extra)
        if inputs.get("retentionInDays"):
            logs.put_retention_policy(logGroupName=group_name, retentionInDays=int(inputs["retentionInDays"]))
        (group,) = [
            g
            for g in logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
            if g["logGroupName"] == group_name
        ]
        # The API's arn ends in ":*"; the resource's `arn` attribute (like Terraform's) does not.
        return group_name, {**inputs, "name": group_name, "arn": group["arn"].removesuffix(":*")}

    def _role(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        role_name = inputs.get("name") or _autoname(name)
        role = self.client("iam").create_role(
            RoleName=role_name,
            AssumeRolePolicyDocument=inputs["assumeRolePolicy"],
            Description=inputs.get("description", ""),
        )["Role"]
        # A role's Pulumi ID is its name.
        return role_name, {**inputs, "name": role_name, "arn": role["Arn"], "uniqueId": role["RoleId"]}

    def _role_policy(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        policy_name = inputs.get("name") or _autoname(name)
        self.client("iam").put_role_policy(
            RoleName=inputs["role"], PolicyName=policy_name, PolicyDocument=inputs["policy"]
        )
        return f"{inputs['role']}:{policy_name}", {**inputs, "name": policy_name}

    def _function(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        function_name = inputs.get("name") or _autoname(name)
        code = inputs.get("code")
        if not isinstance(code, pulumi.Archive):
            raise UnsupportedResourceError(f"function {name}: only zip code archives are supported")
        request: dict[str, Any] = {
            "FunctionName": function_name,
            "Runtime": inputs["runtime"],
            "Role": inputs["role"],
            "Handler": inputs["handler"],
            "Code": {"ZipFile": archive_to_zip(code)},
            "Timeout": int(inputs.get("timeout", 3)),
            "MemorySize": int(inputs.get("memorySize", 128)),
            "Environment": {"Variables": (inputs.get("environment") or {}).get("variables", {})},
            "Architectures": inputs.get("architectures") or ["x86_64"],
            "Layers": inputs.get("layers") or [],
        }
        if inputs.get("tracingConfig"):
            request["TracingConfig"] = {"Mode": inputs["tracingConfig"]["mode"]}
        if inputs.get("loggingConfig"):
            logging = inputs["loggingConfig"]
            request["LoggingConfig"] = {"LogFormat": logging["logFormat"], "LogGroup": logging.get("logGroup")}
        configuration = self.client("lambda").create_function(**request)
        return function_name, {
            **inputs,
            "name": function_name,
            "arn": configuration["FunctionArn"],
            "invokeArn": configuration["FunctionArn"],
            "qualifiedArn": f"{configuration['FunctionArn']}:$LATEST",
            "version": "$LATEST",
            "sourceCodeHash": configuration["CodeSha256"],
            "code": code,
        }

    def _queue(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        queue_name = inputs.get("name") or _autoname(name)
        attributes = {}
        if inputs.get("messageRetentionSeconds"):
            attributes["MessageRetentionPeriod"] = str(
                int(inputs["messageRetentionSeconds"])
            )  # numbers arrive as floats
        if inputs.get("sqsManagedSseEnabled"):
            attributes["SqsManagedSseEnabled"] = "true"
        if inputs.get("kmsMasterKeyId"):
            attributes["KmsMasterKeyId"] = inputs["kmsMasterKeyId"]
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # A queue's Pulumi ID is its URL.
        return url, {**inputs, "name": queue_name, "url": url, "arn": arn}

    def _state_machine(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        machine_name = inputs.get("name") or _autoname(name)
        # moto accepts any definition; AWS rejects invalid ones at create time, so we do too.
        problems = Linter.validate(inputs["definition"])
        if problems:
            raise InvalidDefinitionError(f"state machine {machine_name} has an invalid definition: {problems}")
        request: dict[str, Any] = {
            "name": machine_name,
            "definition": inputs["definition"],
            "roleArn": inputs["roleArn"],
            "type": inputs.get("type", "STANDARD"),
        }
        logging = inputs.get("loggingConfiguration")
        if logging:
            request["loggingConfiguration"] = {
                "level": logging["level"],
                "includeExecutionData": bool(logging.get("includeExecutionData")),
                "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": logging["logDestination"]}}],
            }
        if inputs.get("tracingConfiguration"):
            request["tracingConfiguration"] = {"enabled": bool(inputs["tracingConfiguration"].get("enabled"))}
        encryption = inputs.get("encryptionConfiguration")
        if encryption:
            request["encryptionConfiguration"] = {"type": encryption["type"]}
            if encryption.get("kmsKeyId"):
                request["encryptionConfiguration"]["kmsKeyId"] = encryption["kmsKeyId"]
            if encryption.get("kmsDataKeyReusePeriodSeconds"):
                request["encryptionConfiguration"]["kmsDataKeyReusePeriodSeconds"] = int(
                    encryption["kmsDataKeyReusePeriodSeconds"]
                )
        arn = self.client("stepfunctions").create_state_machine(**request)["stateMachineArn"]
        return arn, {**inputs, "name": machine_name, "arn": arn}

    def _kms_key(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        kms = self.client("kms")
        request: dict[str, Any] = {
            "Description": inputs.get("description", ""),
            "KeyUsage": inputs.get("keyUsage", "ENCRYPT_DECRYPT"),
            "KeySpec": inputs.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        }
        if inputs.get("policy"):
            request["Policy"] = inputs["policy"]
        metadata = kms.create_key(**request)["KeyMetadata"]
        if inputs.get("enableKeyRotation"):
            rotation = {"RotationPeriodInDays": int(inputs["rotationPeriodInDays"])} if inputs.get(
                "rotationPeriodInDays"
            ) else {}
            kms.enable_key_rotation(KeyId=metadata["KeyId"], **rotation)
        # A key's Pulumi ID is its key id.
        return metadata["KeyId"], {**inputs, "arn": metadata["Arn"], "keyId": metadata["KeyId"]}

    def _kms_alias(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        alias_name = inputs.get("name") or f"alias/{_autoname(name)}"
        self.client("kms").create_alias(AliasName=alias_name, TargetKeyId=inputs["targetKeyId"])
        arn = f"arn:aws:kms:{self.region}:{self._account_id()}:{alias_name}"
        return alias_name, {**inputs, "name": alias_name, "arn": arn}

    def _account_id(self) -> str:
        return str(self.client("sts").get_caller_identity()["Account"])


@dataclass(frozen=True)
class Deployment:
    stack: str
    outputs: dict[str, Any]
    resources: list[CreatedResource]


def deploy(
    endpoint_url: str,
    stack: str = "dev",
    project_dir: Path = PROJECT_DIR,
    on_created: Callable[[CreatedResource], None] | None = None,
    config_overrides: dict[str, str] | None = None,
) -> Deployment:
    """Deploy `stack` (its Pulumi.<stack>.yaml, plus overrides such as `checkout-saga:retryMaxDelaySeconds`)."""
    region = stack_config(stack, project_dir).get("aws:region", "eu-west-1")
    provider = EmulatorProvider(endpoint_url=endpoint_url, region=region, on_created=on_created)
    run = run_program(provider, stack, project_dir, config_overrides)
    return Deployment(stack=stack, outputs=run.outputs, resources=provider.created)


def _autoname(name: str) -> str:
    # Pulumi's auto-naming: logical name plus a random suffix, so stacks never collide.
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=7))
    return f"{name}-{suffix}"


def describe(resource: CreatedResource) -> str:
    return json.dumps({"type": resource.type, "name": resource.name, "id": resource.physical_id})
