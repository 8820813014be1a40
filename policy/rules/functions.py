"""Lambda functions: traced, on a supported runtime, no secrets in their environment."""

from __future__ import annotations

from .model import PolicyContext, Props, Rule, nested
from .secret_values import secret_looking

FUNCTION = "aws:lambda/function:Function"
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
)
