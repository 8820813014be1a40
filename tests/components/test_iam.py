"""components/iam.py: `*` resources only where AWS requires them."""

from __future__ import annotations

import pytest

from components import iam


def test_wildcard_resources_only_for_actions_aws_requires_it_for():
    assert iam.allow_aws_required_wildcard("Traces", ["xray:PutTraceSegments"])["Resource"] == ["*"]
    with pytest.raises(ValueError, match="dynamodb:GetItem"):
        iam.allow_aws_required_wildcard("Sneaky", ["xray:PutTraceSegments", "dynamodb:GetItem"])
