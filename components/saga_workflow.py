"""The Standard checkout saga: a state machine generated from a saga description, plus its DLQ."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from asl.model import Saga
from asl.policies import SagaTiming
from asl.query_language import QueryLanguage
from asl.saga_builder import build_saga_definition
from components import iam, key_policies
from components.handler_function import HandlerFunction
from components.state_machine import StateMachineLogging, create_state_machine

DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # SQS maximum: escalations must outlive a long weekend.


def escalation_statements(
    sid: str,
    queue_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str] | None,
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
) -> list[iam.Statement]:
    """What a workflow needs to send its dead letters to `queue_arn` (encrypted with `kms_key_arn`, if given)."""
    statements = [iam.allow(sid, ["sqs:SendMessage"], [queue_arn])]
    if kms_key_arn is not None:
        # Sending to an SSE-KMS queue generates (and decrypts) a data key of its key, through SQS.
        statements.append(
            iam.allow(
                "EncryptEscalationsThroughSQS",
                key_policies.SQS_KEY_ACTIONS,
                [kms_key_arn],
                key_policies.via_service("sqs", region, account_id),
            )
        )
    return statements


@dataclass(frozen=True)
class SagaWorkflowArgs:
    saga: Saga
    functions: Mapping[str, HandlerFunction]
    timing: SagaTiming
    logging: StateMachineLogging
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    # The stack's customer-managed key (prod) for the dead-letter queue and the state machine; None: AWS-owned.
    kms_key_arn: pulumi.Input[str] | None = None
    # The query language the definition is written in (config queryLanguage).
    query_language: QueryLanguage = "JSONata"
    # Percentage of new executions the `live` alias sends to the newest version; None: all (components/alias_routing).
    canary_weight: int | None = None


class SagaWorkflow(pulumi.ComponentResource):
    """`alias_arn` is what callers start executions with; `state_machine_arn` (unqualified) is for reading them."""

    state_machine_arn: pulumi.Output[str]
    alias_arn: pulumi.Output[str]
    dead_letter_queue_url: pulumi.Output[str]

    def __init__(self, name: str, args: SagaWorkflowArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("checkout:workflow:SagaWorkflow", name, None, opts)
        missing = [f for f in args.saga.functions if f not in args.functions]
        if missing:
            raise ValueError(f"saga {name} needs functions {missing}")
        functions = {key: args.functions[key] for key in args.saga.functions}

        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-compensation-dlq",
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            sqs_managed_sse_enabled=None if args.kms_key_arn else True,
            kms_master_key_id=args.kms_key_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The versions this deployment published: a saga version always runs the handler versions it was deployed
        # with, so a new handler reaches new executions only with the new saga version, through the alias.
        function_arns = {key: function.qualified_arn for key, function in functions.items()}
        definition = pulumi.Output.all(self.dead_letter_queue.url, function_arns).apply(
            lambda resolved: json.dumps(
                build_saga_definition(args.saga, resolved[1], resolved[0], args.timing, args.query_language), indent=2
            )
        )
        escalate = escalation_statements(
            "EscalateToOwnDeadLetterQueue", self.dead_letter_queue.arn, args.kms_key_arn, args.region, args.account_id
        )
        parts = create_state_machine(
            self,
            name,
            machine_type="STANDARD",
            definition=definition,
            logging=args.logging,
            account_id=args.account_id,
            region=args.region,
            extra_statements=[
                iam.allow("InvokeOwnFunctions", ["lambda:InvokeFunction"], list(function_arns.values())),
                *escalate,
            ],
            encryption_key_arn=args.kms_key_arn,
            canary_weight=args.canary_weight,
        )
        self.state_machine = parts.machine
        self.log_group = parts.log_group
        self.role = parts.role
        self.state_machine_arn = parts.machine.arn
        self.alias_arn = parts.alias.arn
        self.dead_letter_queue_url = self.dead_letter_queue.url
        self.register_outputs(
            {
                "stateMachineArn": self.state_machine_arn,
                "aliasArn": self.alias_arn,
                "deadLetterQueueUrl": self.dead_letter_queue_url,
            }
        )
