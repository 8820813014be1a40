"""Turn boto3/botocore failures into one-line `AuditError`s the user can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from sagactl.audit.errors import AuditError


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", "")) or str(error)


@contextmanager
def aws_errors_as_audit_errors() -> Iterator[None]:
    """Wraps a whole command: whatever AWS refuses becomes `AuditError` (specific codes are handled earlier)."""
    try:
        yield
    except NoCredentialsError as error:
        raise AuditError(
            "no AWS credentials found; configure them (aws configure / AWS_PROFILE), "
            "or pass --endpoint-url to use the emulator"
        ) from error
    except NoRegionError as error:
        raise AuditError("no AWS region; pass --region or set AWS_REGION") from error
    except EndpointConnectionError as error:
        raise AuditError(f"cannot reach {error.kwargs.get('endpoint_url', 'the endpoint')}: is it running?") from error
    except ClientError as error:
        raise AuditError(f"AWS refused the request ({error_code(error)}): {error_message(error)}") from error
    except BotoCoreError as error:
        raise AuditError(f"AWS request failed: {error}") from error
