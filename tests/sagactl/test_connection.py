"""One rule for the region: --region; else the emulator's with --endpoint-url; else an ARN's; else AWS's config."""

from __future__ import annotations

from devstack.clients import EMULATOR_REGION
from sagactl.connection import clients_for, region_for

ARN_IN_US = "arn:aws:states:us-east-2:123456789012:execution:checkout-saga-checkout-prod:ord-1"


def test_an_explicit_region_wins() -> None:
    assert region_for("http://127.0.0.1:4566", "ap-south-1", ARN_IN_US) == "ap-south-1"


def test_with_a_local_endpoint_the_emulators_region_is_the_default_even_for_an_arn() -> None:
    assert region_for("http://127.0.0.1:4566") == EMULATOR_REGION
    assert region_for("http://127.0.0.1:4566", None, ARN_IN_US) == EMULATOR_REGION


def test_on_aws_the_region_of_the_first_arn_given_else_the_aws_configuration() -> None:
    assert region_for(None, None, None, "ord-1", ARN_IN_US) == "us-east-2"
    assert region_for(None, None, "not-an-arn") is None


def test_clients_for_the_emulator_need_no_configuration() -> None:
    clients = clients_for("http://127.0.0.1:4566")
    assert (clients.region, clients.endpoint_url) == (EMULATOR_REGION, "http://127.0.0.1:4566")
    assert clients.stepfunctions.meta.region_name == EMULATOR_REGION
