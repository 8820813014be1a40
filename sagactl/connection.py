"""Where a command talks to: AWS, or the emulator at ``--endpoint-url``; and the one rule for the region.

The region is, in this order: ``--region``; with ``--endpoint-url``, the emulator's (devstack.clients.
EMULATOR_REGION); the region of an ARN the user gave; else the AWS configuration (AWS_REGION, the profile).
Against the emulator any credentials do (AwsClients supplies them); against AWS the normal chain applies.
"""

from __future__ import annotations

import argparse

from devstack.clients import EMULATOR_PORT, EMULATOR_REGION, AwsClients

DEFAULT_EMULATOR_ENDPOINT = f"http://127.0.0.1:{EMULATOR_PORT}"


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="the emulator's URL (e.g. http://127.0.0.1:4566); omit for AWS")
    parser.add_argument(
        "--region", help=f"AWS region (default: {EMULATOR_REGION} with --endpoint-url, else the ARN's or AWS_REGION)"
    )


def region_for(endpoint_url: str | None, region: str | None = None, *arns: str | None) -> str | None:
    """The region by the rule above; None leaves it to the AWS configuration."""
    if region:
        return region
    if endpoint_url:
        return EMULATOR_REGION
    return next((found for found in map(region_of, arns) if found), None)


def clients_for(endpoint_url: str | None, region: str | None = None, *arns: str | None) -> AwsClients:
    return AwsClients(region=region_for(endpoint_url, region, *arns), endpoint_url=endpoint_url)


def connect(args: argparse.Namespace, *arns: str | None) -> AwsClients:
    """Clients for a command parsed with ``add_connection_arguments``."""
    return clients_for(args.endpoint_url, args.region, *arns)


def region_of(arn: str | None) -> str | None:
    """The region an ARN names (arn:<partition>:<service>:<region>:...); None for anything else."""
    parts = (arn or "").split(":")
    return parts[3] or None if len(parts) > 3 and parts[0] == "arn" else None
