"""Components on their own, outside the checkout program: each declared on a fresh FakeCloud (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest


@pytest.fixture
def cloud(new_fake_cloud: Callable[[], Any]) -> Any:
    """An empty FakeCloud, set as the Pulumi mocks of the `unit` stack: what a component declares lands here."""
    fake_cloud = new_fake_cloud()
    pulumi.runtime.set_mocks(fake_cloud, project="checkout-saga", stack="unit", preview=False)
    return fake_cloud
