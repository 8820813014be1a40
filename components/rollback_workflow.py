"""The saga's rollback workflow, and the rule that starts it when Step Functions ends a saga without its Catch.

A stopped (ABORTED) or timed-out (TIMED_OUT) checkout runs none of its compensations. EventBridge receives every
Standard execution's status change from Step Functions; a rule on the saga's ABORTED and TIMED_OUT changes starts the
rollback workflow (asl/rollback_builder.py) with the saga's input, its execution ARN and the status. A role that may
start only that state machine lets EventBridge do it. EventBridge retries a failed start (throttling) for up to a day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from asl.model import Saga
from asl.policies import SagaTiming
from asl.query_language import QueryLanguage
from asl.rollback_builder import ORIGIN_EXECUTION, ORIGINAL_INPUT, REASON, build_rollback_definition
from components import iam, naming
from components.handler_function import HandlerFunction
from components.saga_workflow import escalation_statements
from components.state_machine import StateMachineLogging, create_state_machine

STATUS_CHANGE = "Step Functions Execution Status Change"
# The ends Step Functions gives a saga without running its Catch (FAILED and SUCCEEDED ran the saga's own states).
UNCOMPENSATED_STATUSES = ("ABORTED", "TIMED_OUT")


@dataclass(frozen=True)
class RollbackWorkflowArgs:
    saga: Saga
    functions: Mapping[str, HandlerFunction]
    timing: SagaTiming
    logging: StateMachineLogging
    # The saga's state machine (whose ends trigger a rollback) and its dead-letter queue (where escalations go).
    saga_state_machine_arn: pulumi.Input[str]
    dead_letter_queue_url: pulumi.Input[str]
    dead_letter_queue_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None = None
    # The query language the definition is written in (config queryLanguage).
    query_language: QueryLanguage = "JSONata"
    trigger_statuses: Sequence[str] = UNCOMPENSATED_STATUSES

    def __post_init__(self) -> None:
        unknown = sorted(set(self.trigger_statuses) - set(UNCOMPENSATED_STATUSES))
        if unknown or not self.trigger_statuses:
            raise ValueError(f"a rollback is triggered by some of {UNCOMPENSATED_STATUSES}, got {unknown or 'none'}")


def status_change_pattern(state_machine_arn: str, statuses: Sequence[str]) -> dict[str, Any]:
    return {
        "source": ["aws.states"],
        "detail-type": [STATUS_CHANGE],
        "detail": {"status": list(statuses), "stateMachineArn": [state_machine_arn]},
    }


# The status-change event's detail carries the execution's input as JSON text: it goes on as text (`originalInput`).
TRIGGER_INPUT_PATHS = {"input": "$.detail.input", "execution": "$.detail.executionArn", "status": "$.detail.status"}
TRIGGER_INPUT_TEMPLATE = f'{{"{ORIGINAL_INPUT}": <input>, "{ORIGIN_EXECUTION}": <execution>, "{REASON}": <status>}}'


class RollbackWorkflow(pulumi.ComponentResource):
    state_machine_arn: pulumi.Output[str]
    alias_arn: pulumi.Output[str]
    trigger_rule_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RollbackWorkflowArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("checkout:workflow:RollbackWorkflow", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        chain = [s.compensation for s in args.saga.steps if s.compensation]
        used = [args.saga.validation.function, *(c.function for c in chain)]
        missing = [f for f in used if f not in args.functions]
        if missing:
            raise ValueError(f"rollback {name} needs functions {missing}")
        # The versions this deployment published, as the saga's own compensations invoke them.
        function_arns = {key: args.functions[key].qualified_arn for key in used}
        definition = pulumi.Output.all(args.dead_letter_queue_url, function_arns).apply(
            lambda resolved: json.dumps(
                build_rollback_definition(
                    args.saga, resolved[1], resolved[0], args.timing, args.query_language
                ), indent=2
            )
        )
        escalate = escalation_statements(
            "EscalateToTheSagasDeadLetterQueue", args.dead_letter_queue_arn, args.kms_key_arn, args.region,
            args.account_id,
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
                iam.allow("InvokeCompensationFunctions", ["lambda:InvokeFunction"], list(function_arns.values())),
                *escalate,
            ],
            encryption_key_arn=args.kms_key_arn,
        )
        self.state_machine = parts.machine
        self.log_group = parts.log_group
        self.role = parts.role

        rule_name = f"{name}-trigger"
        self.trigger_rule = aws.cloudwatch.EventRule(
            rule_name,
            name=naming.event_rule_name(rule_name),
            description="Roll back a checkout saga that Step Functions stopped or timed out (no Catch ran)",
            event_pattern=pulumi.Output.from_input(args.saga_state_machine_arn).apply(
                lambda arn: json.dumps(status_change_pattern(arn, args.trigger_statuses))
            ),
            opts=child,
        )
        rule_arn = naming.event_rule_arn(args.region, args.account_id, rule_name)
        self.trigger_role = aws.iam.Role(
            f"{rule_name}-role",
            name=naming.role_name(rule_name),
            # Only this rule, in this account, may assume it (confused deputy).
            assume_role_policy=iam.service_trust_policy("events.amazonaws.com", args.account_id, source_arn=rule_arn),
            description=f"EventBridge starts the rollback workflow {naming.state_machine_name(name)}, nothing else",
            opts=child,
        )
        # The rule starts the rollback through its `live` alias, as every caller does.
        start = [iam.allow("StartTheRollbackOnly", ["states:StartExecution"], [parts.alias.arn])]
        if args.kms_key_arn is not None:
            # Starting an execution of a state machine encrypted with a customer-managed key encrypts its input.
            start.append(
                iam.allow(
                    "EncryptTheRollbacksInput",
                    ["kms:GenerateDataKey"],
                    [args.kms_key_arn],
                    {
                        "StringEquals": {
                            "kms:EncryptionContext:aws:states:stateMachineArn": parts.machine.arn,
                            "kms:ViaService": pulumi.Output.concat("states.", args.region, ".amazonaws.com"),
                        }
                    },
                )
            )
        self.trigger_policy = aws.iam.RolePolicy(
            f"{rule_name}-policy", role=self.trigger_role.id, policy=iam.policy_document(start), opts=child
        )
        self.trigger_target = aws.cloudwatch.EventTarget(
            f"{rule_name}-to-rollback",
            rule=self.trigger_rule.name,
            arn=parts.alias.arn,
            role_arn=self.trigger_role.arn,
            input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                input_paths=TRIGGER_INPUT_PATHS, input_template=TRIGGER_INPUT_TEMPLATE
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.trigger_policy]),
        )
        self.state_machine_arn = parts.machine.arn
        self.alias_arn = parts.alias.arn
        self.trigger_rule_arn = self.trigger_rule.arn
        self.register_outputs(
            {
                "stateMachineArn": self.state_machine_arn,
                "aliasArn": self.alias_arn,
                "triggerRuleArn": self.trigger_rule_arn,
            }
        )
