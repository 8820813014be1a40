"""What a rule is: a check of one resource type's inputs (camelCase, as the Pulumi engine passes them).

Rules are plain functions so that they can be unit-tested without the policy engine: CrossGuard's
`PolicyPack` starts a gRPC server and never returns, so only `crossguard.py` touches pulumi_policy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Props = Mapping[str, Any]
ENVIRONMENTS = ("dev", "prod")


@dataclass(frozen=True)
class PolicyContext:
    """Which stack is checked: the prod-only rules apply to "prod"."""

    environment: str

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ValueError(f"environment must be one of {ENVIRONMENTS}, got {self.environment!r}")

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @classmethod
    def resolve(cls, policy_config: Mapping[str, Any], stack: str | None = None) -> PolicyContext:
        """The policy config's `environment`; else the stack's name; else prod: an unknown stack gets every rule."""
        configured = policy_config.get("environment")
        if configured:
            return cls(str(configured))
        stack = stack if stack is not None else os.environ.get("PULUMI_STACK")
        return cls("dev" if stack == "dev" else "prod")


Check = Callable[[Props, PolicyContext], list[str]]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    resource_type: str
    check: Check
    # The checkov / AWS Security Hub controls the rule mirrors, for auditors mapping findings.
    mirrors: tuple[str, ...] = ()

    def violations(self, resource_type: str, props: Props, context: PolicyContext) -> list[str]:
        return self.check(props, context) if resource_type == self.resource_type else []


def nested(props: Props, *path: str) -> Any:
    """props[a][b]... or None where any level is missing (the engine omits unset inputs)."""
    value: Any = props
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
