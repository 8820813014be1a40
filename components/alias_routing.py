"""How a state machine's `live` alias splits new executions between its newest version and the one before.

Pure functions over ARNs, shared by the program (the routing stack config asks for) and `sagactl rollout` (which
moves it step by step). Step Functions routes an alias to at most two versions, whose weights add up to 100.
"""

from __future__ import annotations

LIVE_ALIAS = "live"
FULL_WEIGHT = 100

Routing = list[tuple[str, int]]  # (state machine version ARN, percentage of new executions)


def version_number(version_arn: str) -> int:
    """The version of `arn:aws:states:<region>:<account>:stateMachine:<name>:<version>`."""
    parts = version_arn.split(":")
    if len(parts) != 8 or parts[5] != "stateMachine" or not parts[7].isdigit():
        raise ValueError(f"not a state machine version ARN: {version_arn!r}")
    return int(parts[7])


def previous_version_arn(version_arn: str) -> str | None:
    """The version published before this one (versions are numbered 1, 2, ... per state machine), or None."""
    number = version_number(version_arn)
    return f"{version_arn.rsplit(':', 1)[0]}:{number - 1}" if number > 1 else None


def live_routing(newest_version_arn: str, canary_weight: int | None) -> Routing:
    """`canary_weight` percent of new executions on the newest version, the rest on the previous one. None (no
    canary), 100, or no previous version: all on the newest."""
    if canary_weight is not None and not 0 <= canary_weight <= FULL_WEIGHT:
        raise ValueError(f"canary weight must be between 0 and {FULL_WEIGHT}, got {canary_weight}")
    previous = previous_version_arn(newest_version_arn)
    if canary_weight is None or canary_weight == FULL_WEIGHT or previous is None:
        return [(newest_version_arn, FULL_WEIGHT)]
    if canary_weight == 0:
        return [(previous, FULL_WEIGHT)]
    return [(newest_version_arn, canary_weight), (previous, FULL_WEIGHT - canary_weight)]
