"""Every rule of the checkout stack's policy pack (see docs/security.md for how to run it)."""

from __future__ import annotations

from . import apis, functions, iam, kms, log_groups, queues, state_machines, tables, topics
from .model import PolicyContext, Rule

RULES: tuple[Rule, ...] = (
    *state_machines.RULES,
    *functions.RULES,
    *tables.RULES,
    *log_groups.RULES,
    *queues.RULES,
    *topics.RULES,
    *iam.RULES,
    *kms.RULES,
    *apis.RULES,
)

__all__ = ["RULES", "PolicyContext", "Rule"]
