"""Whatever AWS or the network refuses ends as one actionable line, not a traceback."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

from sagactl.audit import AuditError
from sagactl.audit.aws_errors import aws_errors_as_audit_errors


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:4566"), "cannot reach http://127.0.0.1:4566"),
        (NoCredentialsError(), "no AWS credentials found"),
        (NoRegionError(), "pass --region"),
        (
            ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "GetExecutionHistory"),
            "AWS refused the request (AccessDeniedException): not allowed",
        ),
    ],
)
def test_aws_failures_become_audit_errors(raised: Exception, expected: str):
    with pytest.raises(AuditError, match=re.escape(expected)), aws_errors_as_audit_errors():
        raise raised
