"""The checkout stack's CrossGuard policy pack.

    pulumi preview --stack prod --policy-pack policy --policy-pack-config policy/config/prod.json

The rules live in `rules/` as plain functions (unit-tested in tests/policy); this only registers them.
"""

import sys
from pathlib import Path

# The engine runs this file from anywhere: make `rules` importable as a top-level package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import RULES
from rules.crossguard import resource_validation_policy

PolicyPack(
    name="checkout-saga-security",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[resource_validation_policy(rule) for rule in RULES],
)
