"""Clients for AWS or the emulator, and the control API client's one-line errors."""

from __future__ import annotations

import pytest

from devstack.clients import EMULATOR_REGION, AwsClients, client_environment
from devstack.control import ControlApiError, EmulatorControl
from emulator.ports import free_port


def test_a_local_endpoint_defaults_to_the_emulators_region_and_skips_the_sync_host_prefix() -> None:
    local = AwsClients(endpoint_url="http://127.0.0.1:4566")
    on_aws = AwsClients(region="us-east-1")

    assert local.region == EMULATOR_REGION
    assert local.stepfunctions.meta.config.inject_host_prefix is False
    assert on_aws.stepfunctions.meta.config.inject_host_prefix is True
    assert local.client("lambda") is local.client("lambda")


def test_a_cli_environment_for_the_emulator_turns_the_sync_host_prefix_off() -> None:
    environment = client_environment("http://127.0.0.1:4566")

    assert environment["AWS_DISABLE_HOST_PREFIX_INJECTION"] == "true"
    assert environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == EMULATOR_REGION


def test_a_control_api_nobody_serves_is_one_clear_error() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(ControlApiError, match=rf"cannot reach {endpoint}/emulator-api"):
        EmulatorControl(endpoint).fault_status()
