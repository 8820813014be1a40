"""Deploy the real Pulumi program onto the emulator: each declared resource is created through the AWS API.

The provider below is a `pulumi.runtime.Mocks`: the SDK calls `new_resource` for every resource, in
dependency order, with the program's inputs (camelCase). We create the resource on the emulator with
boto3 and return its real ARN/ID/URL, so dependants (policies, definitions) see real identifiers.
A resource type we do not know how to create is an error naming it, never silently skipped.

Redeploying onto the same emulator (``deploy(..., previous=<the last Deployment>)``) updates in place, as
``pulumi up`` does: a resource whose inputs did not change is left as it is; a changed function gets its new code
and configuration and publishes a new version, a changed state machine is updated and publishes a new version, a
changed alias is re-routed, a changed role policy is put again. Any other change is an error naming the resource.

The program's explicit AWS provider arrives as a resource too: its default tags are applied, as the AWS provider
does, to every resource created through it that the emulator can tag. A few types moto cannot create at all are
recorded as stand-ins instead, each listed in STAND_INS with what the emulator therefore does not reproduce.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pulumi
from botocore.config import Config as BotoConfig

from devstack import deploy_cloudwatch
from devstack.archives import archive_to_zip
from devstack.definitions import definition_problems
from devstack.deploy_apigateway import apigateway_creators
from devstack.program import PROJECT_DIR, run_program, stack_config

Outputs = dict[str, Any]


class UnsupportedResourceError(RuntimeError):
    pass


AWS_PROVIDER = "pulumi:providers:aws"
# Resource types moto (5.2.5) cannot create, recorded with plausible identifiers so that the program deploys; what
# they would do on AWS does not happen locally. One creator each, below (the *_stand_in methods).
STAND_INS: dict[str, str] = {
    "aws:signer/signingJob:SigningJob": (
        "moto has no signing jobs: the unsigned object is copied to the destination as the 'signed' one, unsigned"
    ),
    "aws:lambda/codeSigningConfig:CodeSigningConfig": (
        "moto cannot create code-signing configurations: an ARN is recorded, and code signing is not enforced locally"
    ),
    "aws:backup/selection:Selection": (
        "moto has no backup selections: an id is recorded, and backups never run locally"
    ),
}


class InvalidDefinitionError(ValueError):
    pass


@dataclass
class CreatedResource:
    type: str
    name: str
    physical_id: str
    outputs: Outputs
    # What the program declared (code archives by their zip's digest): a redeploy compares it to find changes.
    inputs: Outputs = field(default_factory=dict)


@dataclass
class EmulatorProvider(pulumi.runtime.Mocks):
    endpoint_url: str
    region: str
    created: list[CreatedResource] = field(default_factory=list)
    on_created: Callable[[CreatedResource], None] | None = None
    # The resources of the stack's last deployment on this emulator: what a redeploy updates in place.
    previous: list[CreatedResource] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
        )
        self._clients: dict[str, Any] = {}
        # Each provider's default tags, by the id we gave it (resources name their provider "<urn>::<id>").
        self._default_tags: dict[str, dict[str, str]] = {}
        self._creators: dict[str, Callable[[str, Outputs], tuple[str, Outputs]]] = {
            "aws:dynamodb/table:Table": self._table,
            "aws:cloudwatch/logGroup:LogGroup": self._log_group,
            "aws:iam/role:Role": self._role,
            "aws:iam/rolePolicy:RolePolicy": self._role_policy,
            "aws:lambda/function:Function": self._function,
            "aws:sqs/queue:Queue": self._queue,
            "aws:sfn/stateMachine:StateMachine": self._state_machine,
            "aws:sfn/alias:Alias": self._state_machine_alias,
            "aws:kms/key:Key": self._kms_key,
            "aws:kms/alias:Alias": self._kms_alias,
            "aws:s3/bucket:Bucket": self._bucket,
            "aws:s3/bucketVersioning:BucketVersioning": self._bucket_versioning,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": self._bucket_public_access_block,
            "aws:s3/bucketObjectv2:BucketObjectv2": self._bucket_object,
            "aws:signer/signingProfile:SigningProfile": self._signing_profile,
            "aws:sns/topic:Topic": self._topic,
            "aws:sns/topicPolicy:TopicPolicy": self._topic_policy,
            "aws:sns/topicSubscription:TopicSubscription": self._topic_subscription,
            "aws:cloudwatch/eventRule:EventRule": self._event_rule,
            "aws:cloudwatch/eventTarget:EventTarget": self._event_target,
            "aws:cloudwatch/metricAlarm:MetricAlarm": lambda name, inputs: deploy_cloudwatch.create_metric_alarm(
                self.client("cloudwatch"), name, inputs, _key_value_tags(inputs)
            ),
            "aws:cloudwatch/logMetricFilter:LogMetricFilter": lambda name, inputs: (
                deploy_cloudwatch.create_log_metric_filter(self.client("logs"), name, inputs)
            ),
            "aws:cloudwatch/dashboard:Dashboard": lambda name, inputs: deploy_cloudwatch.create_dashboard(
                self.client("cloudwatch"), name, inputs
            ),
            "aws:backup/vault:Vault": self._backup_vault,
            "aws:backup/plan:Plan": self._backup_plan,
            # Stand-ins (see STAND_INS).
            "aws:signer/signingJob:SigningJob": self._signing_job_stand_in,
            "aws:lambda/codeSigningConfig:CodeSigningConfig": self._code_signing_config_stand_in,
            "aws:backup/selection:Selection": self._backup_selection_stand_in,
        }
        self._creators.update(apigateway_creators(self))  # the checkout API (served by emulator/apigateway)
        if set(STAND_INS) - set(self._creators):
            raise AssertionError("every stand-in needs its creator")
        self._updaters: dict[str, Callable[[CreatedResource, Outputs], tuple[str, Outputs]]] = {
            "aws:lambda/function:Function": self._update_function,
            "aws:sfn/stateMachine:StateMachine": self._update_state_machine,
            "aws:sfn/alias:Alias": self._update_state_machine_alias,
            "aws:iam/rolePolicy:RolePolicy": self._update_role_policy,
        }
        self._previous = {(resource.type, resource.name): resource for resource in self.previous}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            # Path-style S3: a bucket name in the Host header would not name the emulator.
            config = BotoConfig(s3={"addressing_style": "path"}) if service == "s3" else None
            self._clients[service] = self._session.client(service, endpoint_url=self.endpoint_url, config=config)
        return self._clients[service]

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, Outputs]:
        if not args.custom:  # a ComponentResource: a grouping in the program, nothing to create
            return None, {}
        if args.typ == AWS_PROVIDER:
            return self._aws_provider(args.name, dict(args.inputs))
        creator = self._creators.get(args.typ)
        if creator is None:
            raise UnsupportedResourceError(
                f"the emulator cannot create resource '{args.name}' of type {args.typ}; "
                f"supported types: {', '.join(sorted([AWS_PROVIDER, *self._creators]))}"
            )
        inputs = dict(args.inputs)
        tags = {**self._provider_tags(args.provider), **(inputs.get("tags") or {})}
        if tags:
            inputs["tagsAll"] = tags  # what the AWS provider tags the resource with; creators apply it if they can
        declared = _comparable(inputs)
        before = self._previous.get((args.typ, args.name))
        if before is None:
            physical_id, outputs = creator(args.name, inputs)
        elif before.inputs == declared:
            physical_id, outputs = before.physical_id, before.outputs
        else:
            physical_id, outputs = self._update(before, inputs, declared)
        created = CreatedResource(args.typ, args.name, physical_id, outputs, declared)
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

    # --- redeploys: updates in place ---------------------------------------------------------------

    def _update(self, before: CreatedResource, inputs: Outputs, declared: Outputs) -> tuple[str, Outputs]:
        updater = self._updaters.get(before.type)
        if updater is None:
            changed = sorted(key for key in {*before.inputs, *declared} if before.inputs.get(key) != declared.get(key))
            raise UnsupportedResourceError(
                f"the emulator cannot update resource '{before.name}' of type {before.type} in place "
                f"(changed: {', '.join(changed)}); start a fresh emulator"
            )
        return updater(before, inputs)

    def _update_function(self, before: CreatedResource, inputs: Outputs) -> tuple[str, Outputs]:
        lam, function_name = self.client("lambda"), before.physical_id
        if _comparable(inputs).get("code") != before.inputs.get("code"):
            code = inputs.get("code")
            if not isinstance(code, pulumi.Archive):
                raise UnsupportedResourceError(f"function {before.name}: only zip code archives can be updated")
            lam.update_function_code(FunctionName=function_name, ZipFile=archive_to_zip(code))
        lam.update_function_configuration(
            FunctionName=function_name,
            Environment={"Variables": (inputs.get("environment") or {}).get("variables", {})},
            Timeout=int(inputs.get("timeout", 3)),
            MemorySize=int(inputs.get("memorySize", 128)),
            Handler=inputs["handler"],
            Layers=inputs.get("layers") or [],
        )
        outputs = {**before.outputs, **inputs}
        if inputs.get("publish"):
            version = lam.publish_version(FunctionName=function_name)["Version"]
            outputs.update(version=version, qualifiedArn=f"{before.outputs['arn']}:{version}")
        return function_name, outputs

    def _update_state_machine(self, before: CreatedResource, inputs: Outputs) -> tuple[str, Outputs]:
        problems = definition_problems(inputs["definition"])
        if problems:
            raise InvalidDefinitionError(f"state machine {before.name} has an invalid definition: {problems}")
        updated = self.client("stepfunctions").update_state_machine(
            stateMachineArn=before.physical_id,
            definition=inputs["definition"],
            roleArn=inputs["roleArn"],
            publish=bool(inputs.get("publish")),
        )
        outputs = {**before.outputs, **inputs}
        if inputs.get("publish"):
            outputs["stateMachineVersionArn"] = updated["stateMachineVersionArn"]
        return before.physical_id, outputs

    def _update_state_machine_alias(self, before: CreatedResource, inputs: Outputs) -> tuple[str, Outputs]:
        self.client("stepfunctions").update_state_machine_alias(
            stateMachineAliasArn=before.physical_id,
            routingConfiguration=[
                {"stateMachineVersionArn": route["stateMachineVersionArn"], "weight": int(route["weight"])}
                for route in inputs["routingConfigurations"]
            ],
        )
        return before.physical_id, {**before.outputs, **inputs}

    def _update_role_policy(self, before: CreatedResource, inputs: Outputs) -> tuple[str, Outputs]:
        self.client("iam").put_role_policy(
            RoleName=inputs["role"], PolicyName=before.outputs["name"], PolicyDocument=inputs["policy"]
        )
        return before.physical_id, {**before.outputs, **inputs}

    # --- the provider and its default tags ----------------------------------------------------------

    def _aws_provider(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        provider_id = f"{name}-{uuid.uuid4().hex[:12]}"
        default_tags = inputs.get("defaultTags") or {}
        if isinstance(default_tags, str):  # provider SDKs pass structured provider inputs as JSON text
            default_tags = json.loads(default_tags)
        self._default_tags[provider_id] = dict((default_tags or {}).get("tags") or {})
        return provider_id, inputs

    def _provider_tags(self, provider_reference: str | None) -> dict[str, str]:
        if not provider_reference:
            return {}
        return self._default_tags.get(provider_reference.rsplit("::", 1)[-1], {})

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
            **({"Tags": _key_value_tags(inputs)} if _tags(inputs) else {}),
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
        extra: dict[str, Any] = {"kmsKeyId": inputs["kmsKeyId"]} if inputs.get("kmsKeyId") else {}
        if _tags(inputs):
            extra["tags"] = _tags(inputs)
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
            Tags=_key_value_tags(inputs),
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
        if isinstance(code, pulumi.Archive):
            package: dict[str, Any] = {"ZipFile": archive_to_zip(code)}
        elif inputs.get("s3Bucket") and inputs.get("s3Key"):  # e.g. the signed copy of an archive (code signing)
            package = {"S3Bucket": inputs["s3Bucket"], "S3Key": inputs["s3Key"]}
        else:
            raise UnsupportedResourceError(f"function {name}: only zip code archives and S3 objects are supported")
        request: dict[str, Any] = {
            "FunctionName": function_name,
            "Runtime": inputs["runtime"],
            "Role": inputs["role"],
            "Handler": inputs["handler"],
            "Code": package,
            "Timeout": int(inputs.get("timeout", 3)),
            "MemorySize": int(inputs.get("memorySize", 128)),
            "Environment": {"Variables": (inputs.get("environment") or {}).get("variables", {})},
            "Architectures": inputs.get("architectures") or ["x86_64"],
            "Layers": inputs.get("layers") or [],
            "Tags": _tags(inputs),
            "Publish": bool(inputs.get("publish")),
        }
        if inputs.get("snapStart"):  # recorded; moto keeps no snapshots (cold starts import as without it)
            request["SnapStart"] = {"ApplyOn": inputs["snapStart"]["applyOn"]}
        if inputs.get("codeSigningConfigArn"):  # recorded; signatures are not checked locally (STAND_INS)
            request["CodeSigningConfigArn"] = inputs["codeSigningConfigArn"]
        if inputs.get("tracingConfig"):
            request["TracingConfig"] = {"Mode": inputs["tracingConfig"]["mode"]}
        if inputs.get("loggingConfig"):
            logging = inputs["loggingConfig"]
            request["LoggingConfig"] = {"LogFormat": logging["logFormat"], "LogGroup": logging.get("logGroup")}
            if logging.get("applicationLogLevel"):
                request["LoggingConfig"]["ApplicationLogLevel"] = logging["applicationLogLevel"]
        configuration = self.client("lambda").create_function(**request)
        reserved = inputs.get("reservedConcurrentExecutions")
        if reserved is not None and int(reserved) >= 0:  # recorded; the emulator enforces no concurrency limit
            self.client("lambda").put_function_concurrency(
                FunctionName=function_name, ReservedConcurrentExecutions=int(reserved)
            )
        # With Publish, the answer describes the version just published (its ARN qualified by its number).
        unqualified_arn = configuration["FunctionArn"].removesuffix(f":{configuration['Version']}")
        return function_name, {
            **inputs,
            "name": function_name,
            "arn": unqualified_arn,
            "invokeArn": unqualified_arn,
            "qualifiedArn": f"{unqualified_arn}:{configuration['Version']}",
            "version": configuration["Version"],
            "sourceCodeHash": configuration["CodeSha256"],
            **({"code": code} if code is not None else {}),
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
        extra = {"tags": _tags(inputs)} if _tags(inputs) else {}
        url = sqs.create_queue(QueueName=queue_name, Attributes=attributes, **extra)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # A queue's Pulumi ID is its URL.
        return url, {**inputs, "name": queue_name, "url": url, "arn": arn}

    def _state_machine(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        machine_name = inputs.get("name") or _autoname(name)
        # moto accepts any definition; AWS rejects invalid ones at create time, so we do too.
        problems = definition_problems(inputs["definition"])
        if problems:
            raise InvalidDefinitionError(f"state machine {machine_name} has an invalid definition: {problems}")
        request: dict[str, Any] = {
            "name": machine_name,
            "definition": inputs["definition"],
            "roleArn": inputs["roleArn"],
            "type": inputs.get("type", "STANDARD"),
            "publish": bool(inputs.get("publish")),
        }
        if _tags(inputs):
            request["tags"] = [{"key": key, "value": value} for key, value in _tags(inputs).items()]
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
        created = self.client("stepfunctions").create_state_machine(**request)
        arn = created["stateMachineArn"]
        published = {"stateMachineVersionArn": created["stateMachineVersionArn"]} if request["publish"] else {}
        return arn, {**inputs, "name": machine_name, "arn": arn, **published}

    def _state_machine_alias(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        alias_name = inputs.get("name") or _autoname(name)
        routing = [
            {"stateMachineVersionArn": route["stateMachineVersionArn"], "weight": int(route["weight"])}
            for route in inputs["routingConfigurations"]
        ]
        extra = {"description": inputs["description"]} if inputs.get("description") else {}
        arn = self.client("stepfunctions").create_state_machine_alias(
            name=alias_name, routingConfiguration=routing, **extra
        )["stateMachineAliasArn"]
        # An alias's Pulumi ID is its ARN.
        return arn, {**inputs, "name": alias_name, "arn": arn}

    def _kms_key(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        kms = self.client("kms")
        request: dict[str, Any] = {
            "Description": inputs.get("description", ""),
            "KeyUsage": inputs.get("keyUsage", "ENCRYPT_DECRYPT"),
            "KeySpec": inputs.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        }
        if inputs.get("policy"):
            request["Policy"] = inputs["policy"]
        if _tags(inputs):
            request["Tags"] = [{"TagKey": key, "TagValue": value} for key, value in _tags(inputs).items()]
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

    def _bucket(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        bucket = inputs.get("bucket") or _autoname(name).lower()
        s3 = self.client("s3")
        location: dict[str, Any] = {}
        if self.region != "us-east-1":  # S3 wants the region named everywhere else
            location["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        s3.create_bucket(Bucket=bucket, **location)
        if _tags(inputs):
            s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": _key_value_tags(inputs)})
        # A bucket's Pulumi ID is its name.
        return bucket, {**inputs, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}

    def _bucket_versioning(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        status = (inputs.get("versioningConfiguration") or {}).get("status", "Enabled")
        self.client("s3").put_bucket_versioning(Bucket=inputs["bucket"], VersioningConfiguration={"Status": status})
        return inputs["bucket"], inputs

    def _bucket_public_access_block(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        settings = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        self.client("s3").put_public_access_block(
            Bucket=inputs["bucket"],
            PublicAccessBlockConfiguration={key[0].upper() + key[1:]: bool(inputs.get(key)) for key in settings},
        )
        return inputs["bucket"], inputs

    def _bucket_object(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        source = inputs.get("source")
        if not isinstance(source, pulumi.Archive):
            raise UnsupportedResourceError(f"bucket object {name}: only archives are supported as its source")
        stored = self.client("s3").put_object(Bucket=inputs["bucket"], Key=inputs["key"], Body=archive_to_zip(source))
        outputs = {**inputs, "versionId": stored.get("VersionId", ""), "etag": stored["ETag"].strip('"')}
        return f"{inputs['bucket']}/{inputs['key']}", outputs

    def _signing_profile(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        # Signer names allow letters, digits and underscores only.
        suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
        profile_name = inputs.get("name") or f"{inputs.get('namePrefix') or 'profile_'}{suffix}"
        extra = {"tags": _tags(inputs)} if _tags(inputs) else {}  # Signer refuses an empty tag map
        profile = self.client("signer").put_signing_profile(
            profileName=profile_name, platformId=inputs["platformId"], **extra
        )
        return profile_name, {
            **inputs,
            "name": profile_name,
            "arn": profile["arn"],
            "version": profile["profileVersion"],
            "versionArn": profile["profileVersionArn"],
            "status": "Active",
        }

    def _topic(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        topic_name = inputs.get("name") or _autoname(name)
        attributes = {"KmsMasterKeyId": inputs["kmsMasterKeyId"]} if inputs.get("kmsMasterKeyId") else {}
        arn = self.client("sns").create_topic(Name=topic_name, Attributes=attributes, Tags=_key_value_tags(inputs))[
            "TopicArn"
        ]
        # A topic's Pulumi ID is its ARN.
        return arn, {**inputs, "name": topic_name, "arn": arn}

    def _topic_policy(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        self.client("sns").set_topic_attributes(
            TopicArn=inputs["arn"], AttributeName="Policy", AttributeValue=inputs["policy"]
        )
        return inputs["arn"], inputs

    def _topic_subscription(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        arn = self.client("sns").subscribe(
            TopicArn=inputs["topic"], Protocol=inputs["protocol"], Endpoint=inputs["endpoint"]
        )["SubscriptionArn"]
        return arn, {**inputs, "arn": arn}

    def _event_rule(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        rule_name = inputs.get("name") or _autoname(name)
        request: dict[str, Any] = {"Name": rule_name, "State": inputs.get("state") or "ENABLED"}
        for key, field_name in (("eventPattern", "EventPattern"), ("description", "Description")):
            if inputs.get(key):
                request[field_name] = inputs[key]
        if _tags(inputs):
            request["Tags"] = _key_value_tags(inputs)
        arn = self.client("events").put_rule(**request)["RuleArn"]
        # A rule's Pulumi ID is its name (on the default bus).
        return rule_name, {**inputs, "name": rule_name, "arn": arn}

    def _event_target(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        target_id = inputs.get("targetId") or _autoname(name)
        target: dict[str, Any] = {"Id": target_id, "Arn": inputs["arn"]}
        for key, field_name in (("roleArn", "RoleArn"), ("input", "Input"), ("inputPath", "InputPath")):
            if inputs.get(key):
                target[field_name] = inputs[key]
        if inputs.get("inputTransformer"):
            transformer = inputs["inputTransformer"]
            target["InputTransformer"] = {
                "InputPathsMap": transformer.get("inputPaths") or {},
                "InputTemplate": transformer["inputTemplate"],
            }
        self.client("events").put_targets(Rule=inputs["rule"], Targets=[target])
        return f"{inputs['rule']}-{target_id}", {**inputs, "targetId": target_id}

    def _backup_vault(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        vault_name = inputs.get("name") or _autoname(name)
        request: dict[str, Any] = {"BackupVaultName": vault_name, "BackupVaultTags": _tags(inputs)}
        if inputs.get("kmsKeyArn"):
            request["EncryptionKeyArn"] = inputs["kmsKeyArn"]
        arn = self.client("backup").create_backup_vault(**request)["BackupVaultArn"]
        return vault_name, {**inputs, "name": vault_name, "arn": arn}

    def _backup_plan(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        plan_name = inputs.get("name") or _autoname(name)
        rules = []
        for rule in inputs.get("rules") or []:
            entry: dict[str, Any] = {"RuleName": rule["ruleName"], "TargetBackupVaultName": rule["targetVaultName"]}
            if rule.get("schedule"):
                entry["ScheduleExpression"] = rule["schedule"]
            if (rule.get("lifecycle") or {}).get("deleteAfter"):
                entry["Lifecycle"] = {"DeleteAfterDays": int(rule["lifecycle"]["deleteAfter"])}
            rules.append(entry)
        plan = self.client("backup").create_backup_plan(
            BackupPlan={"BackupPlanName": plan_name, "Rules": rules}, BackupPlanTags=_tags(inputs)
        )
        # A plan's Pulumi ID is its plan id.
        return plan["BackupPlanId"], {
            **inputs,
            "name": plan_name,
            "arn": plan["BackupPlanArn"],
            "version": plan["VersionId"],
        }

    # --- stand-ins for what moto cannot create (STAND_INS) -----------------------------------------

    def _signing_job_stand_in(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        source, destination = inputs["source"]["s3"], inputs["destination"]["s3"]
        job_id = str(uuid.uuid4())
        signed_key = f"{destination.get('prefix') or ''}{job_id}.zip"
        copy_source = {"Bucket": source["bucket"], "Key": source["key"]}
        if source.get("version"):
            copy_source["VersionId"] = source["version"]
        self.client("s3").copy_object(Bucket=destination["bucket"], Key=signed_key, CopySource=copy_source)
        return job_id, {
            **inputs,
            "jobId": job_id,
            "jobArn": f"arn:aws:signer:{self.region}:{self._account_id()}:/signing-jobs/{job_id}",
            "status": "Succeeded",
            "platformId": "AWSLambda-SHA384-ECDSA",
            "signedObjects": [{"s3s": [{"bucket": destination["bucket"], "key": signed_key}]}],
        }

    def _code_signing_config_stand_in(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        config_id = f"csc-{uuid.uuid4().hex[:17]}"
        arn = f"arn:aws:lambda:{self.region}:{self._account_id()}:code-signing-config:{config_id}"
        return arn, {**inputs, "arn": arn, "configId": config_id}

    def _backup_selection_stand_in(self, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        return str(uuid.uuid4()), inputs

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
    previous: Deployment | None = None,
) -> Deployment:
    """Deploy `stack` (its Pulumi.<stack>.yaml, plus overrides such as `checkout-saga:retryMaxDelaySeconds`);
    with `previous` (its last deployment on this emulator), update that deployment in place."""
    region = stack_config(stack, project_dir).get("aws:region", "eu-west-1")
    provider = EmulatorProvider(
        endpoint_url=endpoint_url,
        region=region,
        on_created=on_created,
        previous=list(previous.resources) if previous else [],
    )
    run = run_program(provider, stack, project_dir, config_overrides)
    return Deployment(stack=stack, outputs=run.outputs, resources=provider.created)


def _comparable(inputs: Mapping[str, Any]) -> Outputs:
    """The inputs with each code archive replaced by its zip's digest (archives are deterministic zips)."""
    return {
        key: {"archiveSha256": hashlib.sha256(archive_to_zip(value)).hexdigest()}
        if isinstance(value, pulumi.Archive)
        else value
        for key, value in inputs.items()
    }


def _tags(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The tags the AWS provider would put on the resource: its default tags and the resource's own."""
    return dict(inputs.get("tagsAll") or {})


def _key_value_tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in _tags(inputs).items()]


def _autoname(name: str) -> str:
    # Pulumi's auto-naming: logical name plus a random suffix, so stacks never collide.
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=7))
    return f"{name}-{suffix}"


def describe(resource: CreatedResource) -> str:
    return json.dumps({"type": resource.type, "name": resource.name, "id": resource.physical_id})
