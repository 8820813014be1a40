"""Errors the user can act on, answered as one line (``sagactl: ...``, exit 2), never as a traceback.

The one place that knows which failures are the user's to fix: a missing region or credentials, an endpoint
that is down, a refusal by AWS, a stack that is not there, a bad argument. ``__main__`` reports them.
"""

from __future__ import annotations

import sys

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from devstack.control import ControlApiError
from devstack.emulator_process import EmulatorStartError

EXIT_USER_ERROR = 2


class UserFacingError(Exception):
    """A problem the user can act on; its message is the whole answer."""


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", "")) or str(error)


def user_message(error: BaseException) -> str | None:
    """The one line to show for an error the user can act on; None for a bug (which keeps its traceback)."""
    if isinstance(error, NoCredentialsError):
        return (
            "no AWS credentials found; configure them (aws configure / AWS_PROFILE), "
            "or pass --endpoint-url to use the emulator"
        )
    if isinstance(error, NoRegionError):
        return "no AWS region; pass --region or set AWS_REGION (or --endpoint-url for the emulator)"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach {error.kwargs.get('endpoint_url', 'the endpoint')}: is it running?"
    if isinstance(error, ClientError):
        return f"AWS refused the request ({error_code(error)}): {error_message(error)}"
    if isinstance(error, BotoCoreError):
        return f"AWS request failed: {error}"
    if isinstance(error, FileNotFoundError | IsADirectoryError | PermissionError):
        return f"{error.strerror}: {error.filename}"
    expected: tuple[type[Exception], ...] = (UserFacingError, ControlApiError, EmulatorStartError, ValueError)
    if isinstance(error, expected + _errors_of_loaded_modules()):
        return " ".join(str(error).split()) or type(error).__name__
    return None


def _errors_of_loaded_modules() -> tuple[type[Exception], ...]:
    """The deploy's and the emulator's errors, looked up only once their modules are loaded: an error of a
    module never imported cannot have been raised, and importing it here would load the Pulumi SDK into
    commands that never deploy (``trace`` on AWS loads boto3 alone)."""
    found: list[type[Exception]] = []
    if "devstack.deploy" in sys.modules:
        from devstack.deploy import InvalidDefinitionError, UnsupportedResourceError
        from devstack.program import StackConfigError

        found += [InvalidDefinitionError, UnsupportedResourceError, StackConfigError]
    if "emulator.ports" in sys.modules:
        from emulator.ports import PortInUseError

        found.append(PortInUseError)
    return tuple(found)
