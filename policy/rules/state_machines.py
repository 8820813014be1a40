"""Step Functions state machines: logged, traced, no execution data in prod logs, prod's own key."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule, nested

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
# Standard workflows keep their own execution history, so failures are enough; Express workflows have no
# history: their log is the only record of an execution.
REQUIRED_LOG_LEVELS = {"STANDARD": ("ALL", "ERROR"), "EXPRESS": ("ALL",)}


def logging_enabled(props: Props, context: PolicyContext) -> list[str]:
    machine_type = props.get("type") or "STANDARD"
    level = nested(props, "loggingConfiguration", "level")
    allowed = REQUIRED_LOG_LEVELS.get(machine_type, ("ALL",))
    problems = []
    if level not in allowed:
        problems.append(f"{machine_type} state machines must log at level {' or '.join(allowed)}, not {level}")
    if not nested(props, "loggingConfiguration", "logDestination"):
        problems.append("state machines must log to a CloudWatch Logs group (loggingConfiguration.logDestination)")
    return problems


def tracing_enabled(props: Props, context: PolicyContext) -> list[str]:
    if nested(props, "tracingConfiguration", "enabled") is not True:
        return ["state machines must have X-Ray tracing enabled"]
    return []


def no_execution_data_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and nested(props, "loggingConfiguration", "includeExecutionData") is not False:
        return ["prod state machines must not log execution data (includeExecutionData must be false)"]
    return []


def customer_managed_key_in_prod(props: Props, context: PolicyContext) -> list[str]:
    encryption = props.get("encryptionConfiguration") or {}
    if context.is_prod and not (encryption.get("type") == "CUSTOMER_MANAGED_KMS_KEY" and encryption.get("kmsKeyId")):
        return ["prod state machines must encrypt definition and execution data with the stack's KMS key"]
    return []


RULES = (
    Rule(
        "state-machine-logging",
        "Step Functions state machines log to CloudWatch Logs: Standard at ERROR or ALL, Express at ALL.",
        STATE_MACHINE,
        logging_enabled,
        mirrors=("SecurityHub StepFunctions.1", "CKV_AWS_285"),
    ),
    Rule(
        "state-machine-tracing",
        "Step Functions state machines trace with X-Ray.",
        STATE_MACHINE,
        tracing_enabled,
        mirrors=("CKV_AWS_284",),
    ),
    Rule(
        "state-machine-no-execution-data-in-prod",
        "Prod state machines keep execution data (inputs, outputs, causes) out of their logs.",
        STATE_MACHINE,
        no_execution_data_in_prod,
    ),
    Rule(
        "state-machine-customer-managed-key-in-prod",
        "Prod state machines encrypt their definition and execution history with the stack's KMS key.",
        STATE_MACHINE,
        customer_managed_key_in_prod,
    ),
)
