"""Errors the audit commands report to the user as one line (exit 2), never as a traceback."""

from __future__ import annotations

from sagactl.errors import UserFacingError


class AuditError(UserFacingError):
    """A problem the user can act on: a wrong name or ARN, a missing log group, a state machine not found."""


class ExecutionNotFound(AuditError):
    pass


class StateMachineNotFound(AuditError):
    pass


class NoAuditTrail(AuditError):
    """The execution exists (or may exist) but nothing recorded what it did, e.g. Express logging is off."""
