"""How AWS clients (boto3, the AWS CLI) talk to the emulator.

One thing beyond the endpoint: botocore sends StartSyncExecution to the ``sync-`` host prefix, i.e. to
``http://sync-127.0.0.1:4566`` for a custom endpoint, a name that does not resolve. Host-prefix injection
must be off: ``Config(inject_host_prefix=False)`` for boto3, ``AWS_DISABLE_HOST_PREFIX_INJECTION=true``
in the environment for the CLI (and for boto3 clients that read the environment).
"""

from __future__ import annotations

from typing import Any

DEFAULT_REGION = "eu-west-1"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def client_environment(endpoint_url: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Variables that point an AWS CLI / SDK process at the emulator (merge into its environment)."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }


def boto3_client(service: str, endpoint_url: str, region: str = DEFAULT_REGION) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        config=Config(inject_host_prefix=False),
    )
