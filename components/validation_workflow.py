"""The Express order-validation workflow, called with start-sync-execution at high volume."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi

from asl.model import ValidationStep
from asl.policies import SagaTiming
from asl.query_language import QueryLanguage
from asl.validation_builder import build_validation_definition
from components import iam
from components.handler_function import HandlerFunction
from components.state_machine import StateMachineLogging, create_state_machine


@dataclass(frozen=True)
class ValidationWorkflowArgs:
    validation: ValidationStep
    validate_function: HandlerFunction
    timing: SagaTiming
    logging: StateMachineLogging
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    # The stack's customer-managed key (prod) for the state machine; None: AWS-owned.
    kms_key_arn: pulumi.Input[str] | None = None
    # The query language the definition is written in (config queryLanguage).
    query_language: QueryLanguage = "JSONata"


class ValidationWorkflow(pulumi.ComponentResource):
    """`alias_arn` is what callers start executions with (always the newest version: no canary for validation)."""

    state_machine_arn: pulumi.Output[str]
    alias_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ValidationWorkflowArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("checkout:workflow:ValidationWorkflow", name, None, opts)
        # The version this deployment published (see SagaWorkflow).
        function_arn = args.validate_function.qualified_arn
        definition = function_arn.apply(
            lambda arn: json.dumps(
                build_validation_definition(args.validation, arn, args.timing, args.query_language), indent=2
            )
        )
        parts = create_state_machine(
            self,
            name,
            machine_type="EXPRESS",
            definition=definition,
            logging=args.logging,
            account_id=args.account_id,
            region=args.region,
            extra_statements=[iam.allow("InvokeOwnFunction", ["lambda:InvokeFunction"], [function_arn])],
            encryption_key_arn=args.kms_key_arn,
        )
        self.state_machine = parts.machine
        self.log_group = parts.log_group
        self.role = parts.role
        self.state_machine_arn = parts.machine.arn
        self.alias_arn = parts.alias.arn
        self.register_outputs({"stateMachineArn": self.state_machine_arn, "aliasArn": self.alias_arn})
