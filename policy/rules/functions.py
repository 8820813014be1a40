"""Lambda functions: traced, on a supported runtime, no secrets in their environment, layers only from AWS's
Powertools publisher, a reserved concurrency; prod: signed code (an enforcing code-signing configuration), and no
function that accepts plaintext payment tokens."""

from __future__ import annotations

import re

from .model import PolicyContext, Props, Rule, nested
from .secret_values import secret_looking

FUNCTION = "aws:lambda/function:Function"
CODE_SIGNING_CONFIG = "aws:lambda/codeSigningConfig:CodeSigningConfig"
# The accounts whose layers a function may load: AWS's Powertools publisher (the same as components/stack_config.py's
# POWERTOOLS_PUBLISHER_ACCOUNT; a test keeps the two equal). A layer runs inside the function with its role.
TRUSTED_LAYER_PUBLISHERS = frozenset({"017000801446"})
LAYER_VERSION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(?P<account>\d{12}):layer:[A-Za-z0-9_-]+:\d+$")
# The switch with which validate_order accepts (and seals) plaintext payment tokens; it accepts them for "true".
PLAINTEXT_TOKENS_SWITCH = "ACCEPT_PLAINTEXT_PAYMENT_TOKENS"
# Runtimes AWS has not deprecated (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
# Remove one when AWS announces its deprecation date; python3.13 is what this stack deploys.
SUPPORTED_RUNTIMES = frozenset(
    {
        "python3.11",
        "python3.12",
        "python3.13",
        "python3.14",
        "nodejs22.x",
        "nodejs24.x",
        "java17",
        "java21",
        "java25",
        "dotnet8",
        "dotnet10",
        "ruby3.3",
        "ruby3.4",
        "provided.al2023",
    }
)


def active_tracing(props: Props, context: PolicyContext) -> list[str]:
    if nested(props, "tracingConfig", "mode") != "Active":
        return ["Lambda functions must have X-Ray active tracing (tracingConfig.mode = Active)"]
    return []


def supported_runtime(props: Props, context: PolicyContext) -> list[str]:
    runtime = props.get("runtime")
    if runtime is None and props.get("packageType") == "Image":
        return []  # a container image brings its own runtime
    if runtime not in SUPPORTED_RUNTIMES:
        return [f"Lambda runtime {runtime} is deprecated or unknown; use one of {sorted(SUPPORTED_RUNTIMES)}"]
    return []


def no_secrets_in_environment(props: Props, context: PolicyContext) -> list[str]:
    variables = nested(props, "environment", "variables") or {}
    problems = (secret_looking(name, str(value)) for name, value in sorted(variables.items()))
    return [problem for problem in problems if problem]


def no_plaintext_payment_tokens_in_prod(props: Props, context: PolicyContext) -> list[str]:
    variables = nested(props, "environment", "variables") or {}
    switch = str(variables.get(PLAINTEXT_TOKENS_SWITCH, "false")).strip().lower()
    # A plaintext token would sit in the execution history for 90 days (docs/security.md). Absent means false.
    if context.is_prod and switch != "false":
        return [f"prod functions must not accept plaintext payment tokens ({PLAINTEXT_TOKENS_SWITCH} must be false)"]
    return []


def layers_from_trusted_publishers(props: Props, context: PolicyContext) -> list[str]:
    problems = []
    for layer in props.get("layers") or []:
        match = LAYER_VERSION_ARN.match(str(layer))
        if match is None:
            problems.append(f"layer {layer} is not a layer version ARN")
        elif match["account"] not in TRUSTED_LAYER_PUBLISHERS:
            problems.append(
                f"layer {layer} is published by account {match['account']}; only AWS's Powertools layers "
                f"(account {', '.join(sorted(TRUSTED_LAYER_PUBLISHERS))}) may run inside the functions"
            )
    return problems


def reserved_concurrency(props: Props, context: PolicyContext) -> list[str]:
    reservation = props.get("reservedConcurrentExecutions")
    if reservation is None or reservation < 0:
        return ["Lambda functions must reserve their concurrency (reservedConcurrentExecutions >= 0)"]
    return []


def code_signing_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and not props.get("codeSigningConfigArn"):
        return ["prod functions must have a code-signing configuration (codeSigningConfigArn)"]
    return []


def code_signing_enforced_in_prod(props: Props, context: PolicyContext) -> list[str]:
    if context.is_prod and nested(props, "policies", "untrustedArtifactOnDeployment") != "Enforce":
        return ["prod code-signing configurations must refuse unsigned code (untrustedArtifactOnDeployment = Enforce)"]
    return []


RULES = (
    Rule(
        "lambda-tracing",
        "Lambda functions trace with X-Ray (active tracing).",
        FUNCTION,
        active_tracing,
        mirrors=("SecurityHub Lambda.7", "CKV_AWS_50"),
    ),
    Rule(
        "lambda-supported-runtime",
        "Lambda functions run on a runtime AWS still supports.",
        FUNCTION,
        supported_runtime,
        mirrors=("SecurityHub Lambda.2",),
    ),
    Rule(
        "lambda-no-secrets-in-environment",
        "Lambda environment variables hold no secret-looking values.",
        FUNCTION,
        no_secrets_in_environment,
        mirrors=("CKV_AWS_45",),
    ),
    Rule(
        "lambda-no-plaintext-payment-tokens-in-prod",
        "No prod function accepts plaintext payment tokens: prod takes sealed tokens only.",
        FUNCTION,
        no_plaintext_payment_tokens_in_prod,
    ),
    Rule(
        "lambda-layers-from-aws-publisher",
        "Lambda layers come from AWS's Powertools publishing account only.",
        FUNCTION,
        layers_from_trusted_publishers,
    ),
    Rule(
        "lambda-reserved-concurrency",
        "Lambda functions reserve their concurrency: capacity nothing else takes, and a ceiling.",
        FUNCTION,
        reserved_concurrency,
        mirrors=("CKV_AWS_115",),
    ),
    Rule(
        "lambda-code-signing-in-prod",
        "Prod functions have a code-signing configuration.",
        FUNCTION,
        code_signing_in_prod,
        mirrors=("CKV_AWS_272",),
    ),
    Rule(
        "lambda-code-signing-enforced-in-prod",
        "Prod code-signing configurations refuse code (and layers) no allowed signer profile signed.",
        CODE_SIGNING_CONFIG,
        code_signing_enforced_in_prod,
        mirrors=("CKV_AWS_272",),
    ),
)
