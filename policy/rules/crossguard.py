"""The one bridge to CrossGuard: a rule becomes a mandatory ResourceValidationPolicy."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .model import ENVIRONMENTS, PolicyContext, Rule

# `--policy-pack-config policy/config/<stack>.json` sets it; unset, the stack's name decides (else prod).
ENVIRONMENT_SCHEMA = PolicyConfigSchema(
    properties={"environment": {"type": "string", "enum": list(ENVIRONMENTS)}}
)


def resource_validation_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        context = PolicyContext.resolve(args.get_config())
        for violation in rule.violations(args.resource_type, args.props, context):
            report_violation(violation, None)

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description + (f" Mirrors: {', '.join(rule.mirrors)}." if rule.mirrors else ""),
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=ENVIRONMENT_SCHEMA,
    )
