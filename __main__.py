"""Checkout saga stack: reads stack config and composes the components. Nothing else lives here."""

from pathlib import Path

import pulumi
import pulumi_aws as aws

from asl.checkout_saga import CHECKOUT_SAGA
from asl.policies import RetryPolicy, SagaTiming
from asl.saga_builder import business_outcomes, worst_case_execution_seconds
from components import iam, key_policies, naming, security_events
from components.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.api_config import load_api_config
from components.checkout_api import CheckoutApi, CheckoutApiArgs
from components.code_signing import CodeSigning, CodeSigningArgs
from components.encryption_key import EncryptionKey, EncryptionKeyArgs
from components.handler_function import HandlerFunction, HandlerFunctionArgs, LambdaSettings, TableGrant
from components.idempotency_table import IdempotencyTable, IdempotencyTableArgs
from components.rollback_workflow import RollbackWorkflow, RollbackWorkflowArgs
from components.saga_alarms import SagaAlarms, SagaAlarmsArgs, alarm_arn_pattern
from components.saga_workflow import SagaWorkflow, SagaWorkflowArgs
from components.security_events import SecurityEventAlarms, SecurityEventAlarmsArgs, WatchedKey
from components.stack_config import check_saga_timeout, load_stack_config
from components.state_machine import StateMachineLogging
from components.table import Table, TableArgs
from components.table_backup import TableBackup, TableBackupArgs
from components.tags import tagged_provider
from components.validation_workflow import ValidationWorkflow, ValidationWorkflowArgs

HANDLERS_DIR = Path(__file__).parent / "handlers"
IDEMPOTENCY_RECORDS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
HANDLER_MODULES = (
    "validate_order",
    "process_payment",
    "reserve_inventory",
    "release_inventory",
    "refund_payment",
    "confirm_order",
)
CHECKOUT, ORDER_VALIDATION = "checkout", "order-validation"
CHECKOUT_API = "checkout-api"
CHECKOUT_ROLLBACK = "checkout-rollback"


def logical_name(module: str) -> str:
    return module.replace("_", "-")


FUNCTIONS = tuple(logical_name(module) for module in HANDLER_MODULES)
WORKFLOWS = (CHECKOUT, ORDER_VALIDATION, CHECKOUT_ROLLBACK)
# The one step that may turn a sealed payment token back into the token (see docs/security.md).
UNSEALING_FUNCTION = logical_name("process_payment")
# The functions that must run whatever floods the account: their reserved concurrency is at least 1.
COMPENSATION_FUNCTIONS = tuple(logical_name(s.compensation.function) for s in CHECKOUT_SAGA.steps if s.compensation)
ALARM_TOPIC = "alarms"

# Validated before anything is created; a bad value names its key.
config = load_stack_config(pulumi.Config(), functions=FUNCTIONS, guaranteed=COMPENSATION_FUNCTIONS)
api_config = load_api_config(pulumi.Config())
# Every resource goes through this provider (children inherit it from their component): its default tags are on all.
provider = tagged_provider("aws", aws.config.region, config.owner)
stack_options = pulumi.ResourceOptions(providers=[provider])
# Prod's tables cannot be deleted by `pulumi destroy` or a replacement either (deletionProtection covers the console
# and the API).
table_options = pulumi.ResourceOptions(providers=[provider], protect=config.deletion_protection)
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id
region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(provider=provider)).region
backups = config.backup_retention_days is not None

# Prod: the stack's own key for everything it stores. Dev: AWS-owned keys (free, nothing to manage).
data_key = (
    EncryptionKey(
        "data",
        EncryptionKeyArgs(
            description="Checkout saga: tables, logs, state machines and the dead-letter queue",
            policy=key_policies.key_policy_document(
                key_policies.at_rest_key_statements(
                    account_id,
                    region,
                    functions=FUNCTIONS,
                    workflows=WORKFLOWS,
                    alarm_topics=(ALARM_TOPIC,),
                    backups=backups,
                    extra_log_groups=(naming.api_access_log_group_name(CHECKOUT_API),),
                )
            ),
        ),
        opts=stack_options,
    )
    if config.customer_managed_kms
    else None
)
data_key_arn = data_key.arn if data_key else None
# Every stack: payment tokens travel sealed under this key, so no execution history or log can show one.
payment_token_key = EncryptionKey(
    "payment-token",
    EncryptionKeyArgs(
        description="Checkout saga: seals payment tokens between the checkout backend and ProcessPayment",
        policy=key_policies.key_policy_document(
            key_policies.payment_token_key_statements(
                account_id, [iam.role_arn(account_id, naming.role_name(UNSEALING_FUNCTION))]
            )
        ),
    ),
    opts=stack_options,
)
token_purpose = {"StringEquals": {key_policies.PURPOSE_CONTEXT_KEY: key_policies.PAYMENT_TOKEN_PURPOSE}}

idempotency = IdempotencyTable(
    "idempotency",
    IdempotencyTableArgs(
        point_in_time_recovery=config.point_in_time_recovery,
        deletion_protection=config.deletion_protection,
        kms_key_arn=data_key_arn,
    ),
    opts=table_options,
)


def domain_table(name: str) -> Table:
    return Table(
        name,
        TableArgs(
            hash_key="pk",
            range_key="sk",
            point_in_time_recovery=config.point_in_time_recovery,
            deletion_protection=config.deletion_protection,
            kms_key_arn=data_key_arn,
        ),
        opts=table_options,
    )


payments, inventory, orders = domain_table("payments"), domain_table("inventory"), domain_table("orders")

# Exactly the tables (by environment variable) and DynamoDB actions each handler's code uses; each entry becomes
# a statement of that function's inline policy. Transactions need the per-item action of every write in them.
HANDLER_TABLES: dict[str, dict[str, tuple[Table, tuple[str, ...]]]] = {
    "validate_order": {},
    "process_payment": {
        # Reads the order again after charging, and refunds a charge that landed after the saga failed.
        "ORDERS_TABLE_NAME": (orders, ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
        "PAYMENTS_TABLE_NAME": (payments, ("dynamodb:PutItem", "dynamodb:UpdateItem")),
    },
    "reserve_inventory": {"INVENTORY_TABLE_NAME": (inventory, ("dynamodb:PutItem", "dynamodb:UpdateItem"))},
    "release_inventory": {
        # Marks the order FAILED before releasing, so a confirmed order's stock is never put back.
        "ORDERS_TABLE_NAME": (orders, ("dynamodb:UpdateItem",)),
        # PutItem: with no reservation, records one holding nothing, so a late reservation is refused.
        "INVENTORY_TABLE_NAME": (inventory, ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
    },
    "refund_payment": {
        "ORDERS_TABLE_NAME": (orders, ("dynamodb:UpdateItem",)),
        "PAYMENTS_TABLE_NAME": (payments, ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
    },
    "confirm_order": {"ORDERS_TABLE_NAME": (orders, ("dynamodb:UpdateItem",))},
}

# Prod: every function runs only code the stack's signer profile signed (components/code_signing.py).
code_signing = (
    CodeSigning(
        "code-signing",
        CodeSigningArgs(config.code_signing, layer_publishers=config.code_signing_layer_publishers),
        opts=stack_options,
    )
    if config.code_signing
    else None
)

settings = LambdaSettings(
    architecture=config.lambda_architecture,
    memory_mb=config.lambda_memory_mb,
    timeout_seconds=config.lambda_timeout_seconds,
    powertools_layer_arn=config.powertools_layer_arn,
    log_level=config.log_level,
    log_retention_days=config.log_retention_days,
    service_name="checkout",
    metrics_namespace="CheckoutSaga",
    log_kms_key_arn=data_key_arn,
)


def payment_token_access(module: str) -> tuple[dict[str, pulumi.Input[str]], list[iam.Statement]]:
    """The environment and KMS statements of the functions that touch the payment token: exactly two."""
    key: dict[str, pulumi.Input[str]] = {"PAYMENT_TOKEN_KEY_ARN": payment_token_key.arn}
    if module == "process_payment":
        # From inside ProcessPayment only: another function given its role gets no Decrypt (docs/security.md).
        own_function = naming.function_arn(region, account_id, UNSEALING_FUNCTION)
        unseal = key_policies.unseal_conditions(own_function)
        return key, [iam.allow("UnsealPaymentTokens", ["kms:Decrypt"], [payment_token_key.arn], unseal)]
    if module == "validate_order":
        accept: dict[str, pulumi.Input[str]] = {
            "ACCEPT_PLAINTEXT_PAYMENT_TOKENS": str(config.accept_plaintext_payment_tokens).lower()
        }
        if not config.accept_plaintext_payment_tokens:
            return accept, []
        seal = iam.allow("SealPlaintextPaymentTokens", ["kms:GenerateDataKey"], [payment_token_key.arn], token_purpose)
        return {**accept, **key}, [seal]
    return {}, []


def handler_function(module: str, tables: dict[str, tuple[Table, tuple[str, ...]]]) -> HandlerFunction:
    environment: dict[str, pulumi.Input[str]] = {name: table.name for name, (table, _) in tables.items()}
    grants = [TableGrant(table.arn, actions) for table, actions in tables.values()]
    token_environment, token_statements = payment_token_access(module)
    environment.update(token_environment)
    if module != "validate_order":  # the only handler without side effects needs no idempotency
        environment["IDEMPOTENCY_TABLE_NAME"] = idempotency.name
        environment["IDEMPOTENCY_TTL_SECONDS"] = str(config.idempotency_ttl_seconds)
        grants.append(TableGrant(idempotency.arn, IDEMPOTENCY_RECORDS))
    return HandlerFunction(
        logical_name(module),
        HandlerFunctionArgs(
            handlers_dir=HANDLERS_DIR,
            module=module,
            settings=settings,
            environment=environment,
            table_grants=grants,
            account_id=account_id,
            region=region,
            table_key_arn=data_key_arn,
            extra_statements=token_statements,
            reserved_concurrency=config.reserved_concurrency[logical_name(module)],
            code_signing=code_signing,
            snap_start=config.snap_start,
        ),
        opts=stack_options,
    )


if set(HANDLER_TABLES) != set(HANDLER_MODULES):
    raise ValueError("HANDLER_TABLES must have an entry for every handler module")
functions = {module: handler_function(module, tables) for module, tables in HANDLER_TABLES.items()}

interval, cap = config.retry_interval_seconds, config.retry_max_delay_seconds
timing = SagaTiming(
    # Step Functions' task timeout covers the invocation too: leave Lambda room to report its own timeout.
    task_timeout_seconds=config.lambda_timeout_seconds + 5,
    step_retry=RetryPolicy(interval_seconds=interval, max_attempts=3, max_delay_seconds=cap),
    # Compensations and the pivot must eventually succeed: more attempts, backoff capped so they keep trying.
    compensation_retry=RetryPolicy(interval_seconds=interval, max_attempts=8, max_delay_seconds=cap or 30 * interval),
    pivot_retry=RetryPolicy(interval_seconds=interval, max_attempts=10, max_delay_seconds=cap or 60 * interval),
    # Waits 2 s at a time, in all longer than a function's timeout: how long a killed attempt holds its lock.
    in_progress_retry=RetryPolicy(
        interval_seconds=2, max_attempts=config.lambda_timeout_seconds // 2 + 1, backoff_rate=1.0, jitter=False
    ),
    execution_timeout_seconds=config.saga_timeout_seconds,
)
check_saga_timeout(config.saga_timeout_seconds, worst_case_execution_seconds(CHECKOUT_SAGA, timing))
# Both Standard workflows (the saga and its rollback) log alike.
standard_logging = StateMachineLogging(
    level=config.standard_log_level,
    include_execution_data=config.include_execution_data,
    retention_days=config.log_retention_days,
    kms_key_arn=data_key_arn,
)
checkout = SagaWorkflow(
    CHECKOUT,
    SagaWorkflowArgs(
        saga=CHECKOUT_SAGA,
        functions=functions,
        timing=timing,
        query_language=config.query_language,
        logging=standard_logging,
        account_id=account_id,
        region=region,
        kms_key_arn=data_key_arn,
        canary_weight=config.canary_weight,
    ),
    opts=stack_options,
)
# Undoes a checkout that Step Functions stopped or timed out (no Catch ran); started by a rule on its status changes.
rollback = RollbackWorkflow(
    CHECKOUT_ROLLBACK,
    RollbackWorkflowArgs(
        saga=CHECKOUT_SAGA,
        functions=functions,
        timing=timing,
        query_language=config.query_language,
        logging=standard_logging,
        saga_state_machine_arn=checkout.state_machine_arn,
        dead_letter_queue_url=checkout.dead_letter_queue_url,
        dead_letter_queue_arn=checkout.dead_letter_queue.arn,
        account_id=account_id,
        region=region,
        kms_key_arn=data_key_arn,
    ),
    opts=stack_options,
)
validation = ValidationWorkflow(
    ORDER_VALIDATION,
    ValidationWorkflowArgs(
        validation=CHECKOUT_SAGA.validation,
        validate_function=functions["validate_order"],
        timing=timing,
        query_language=config.query_language,
        logging=StateMachineLogging(
            level=config.express_log_level,
            include_execution_data=config.include_execution_data,
            retention_days=config.log_retention_days,
            kms_key_arn=data_key_arn,
        ),
        account_id=account_id,
        region=region,
        kms_key_arn=data_key_arn,
    ),
    opts=stack_options,
)

# The front door: HTTP routes straight to Step Functions (components/checkout_api.py).
checkout_api = CheckoutApi(
    CHECKOUT_API,
    CheckoutApiArgs(
        checkout_state_machine_arn=checkout.state_machine_arn,
        checkout_alias_arn=checkout.alias_arn,
        validation_state_machine_arn=validation.state_machine_arn,
        validation_alias_arn=validation.alias_arn,
        invalid_order_outcome=CHECKOUT_SAGA.validation.invalid.outcome,
        throttling=api_config.throttling,
        log_retention_days=config.log_retention_days,
        account_id=account_id,
        region=region,
        authorization=api_config.authorization,
        stage_name=api_config.stage_name,
        cors_allow_origin=api_config.cors_allow_origin,
        kms_key_arn=data_key_arn,
        manage_account_logging_role=api_config.manage_account_logging_role,
    ),
    opts=stack_options,
)

# Where what needs a human goes: the security events now, the operations alarms later (components/alarm_topic.py).
alarm_topic = AlarmTopic(
    ALARM_TOPIC,
    AlarmTopicArgs(
        event_rule_arns=security_events.rule_arns(region, account_id, watch_code_signing=code_signing is not None),
        kms_key_arn=data_key_arn,
        email=config.alarm_email,
        alarm_arns=[alarm_arn_pattern(region, account_id)],
    ),
    opts=stack_options,
)
# The operations alarms (technical failures, stopped sagas, dead letters, Lambda errors) and the saga's dashboard.
SagaAlarms(
    "operations",
    SagaAlarmsArgs(
        topic_arn=alarm_topic.topic_arn,
        settings=config.alarms,
        saga_state_machine_arn=checkout.state_machine_arn,
        saga_log_group_name=checkout.log_group.name,
        rollback_state_machine_arn=rollback.state_machine_arn,
        validation_log_group_name=validation.log_group.name,
        dead_letter_queue_name=checkout.dead_letter_queue.name,
        function_names={logical_name(module): function.function_name for module, function in functions.items()},
        technical_errors=(CHECKOUT_SAGA.failure_outcome, CHECKOUT_SAGA.escalation_outcome),
        business_errors=business_outcomes(CHECKOUT_SAGA),
        validation_business_errors=(CHECKOUT_SAGA.validation.invalid.outcome,),
        region=region,
    ),
    opts=stack_options,
)
SecurityEventAlarms(
    "security-events",
    SecurityEventAlarmsArgs(
        topic_arn=alarm_topic.topic_arn,
        keys=[WatchedKey(key.key.key_id, key.arn) for key in (payment_token_key, data_key) if key is not None],
        function=UNSEALING_FUNCTION,
        code_signing_config_arn=code_signing.config_arn if code_signing else None,
    ),
    opts=stack_options,
)
if config.backup_retention_days is not None:
    # The domain tables; the idempotency table is a cache of step results that expire within a day.
    TableBackup(
        "domain-tables",
        TableBackupArgs(
            table_arns=[payments.arn, inventory.arn, orders.arn],
            retention_days=config.backup_retention_days,
            account_id=account_id,
            region=region,
            kms_key_arn=data_key_arn,
        ),
        opts=stack_options,
    )

# Callers start executions through the `live` aliases; the state machine ARNs list and describe them.
pulumi.export("checkoutAliasArn", checkout.alias_arn)
pulumi.export("orderValidationAliasArn", validation.alias_arn)
pulumi.export("checkoutStateMachineArn", checkout.state_machine_arn)
pulumi.export("orderValidationStateMachineArn", validation.state_machine_arn)
pulumi.export("deadLetterQueueUrl", checkout.dead_letter_queue_url)
pulumi.export("rollbackStateMachineArn", rollback.state_machine_arn)
pulumi.export("rollbackAliasArn", rollback.alias_arn)
pulumi.export("idempotencyTableName", idempotency.name)
pulumi.export("paymentsTableName", payments.name)
pulumi.export("inventoryTableName", inventory.name)
pulumi.export("ordersTableName", orders.name)
# What the checkout backend seals payment tokens with (docs/security.md).
pulumi.export("paymentTokenKeyArn", payment_token_key.arn)
# Subscribe to it (or set alarmEmail) to hear about changes to the keys and to the unsealing function.
pulumi.export("alarmTopicArn", alarm_topic.topic_arn)
# The checkout API: POST {base}/checkouts, POST {base}/orders/validate, GET {base}/checkouts/<order id>.
pulumi.export("checkoutApiUrl", checkout_api.base_url)
