"""Everything the runtime needs to know about one deployed function version, detached from moto."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunctionSpec:
    """A function's code and configuration. Two specs compare equal only if a warm worker may serve both:
    any change of code or configuration (UpdateFunctionCode / UpdateFunctionConfiguration) makes them differ.
    """

    function_name: str
    function_arn: str  # qualified for published versions, unqualified for $LATEST (as moto stores it)
    version: str  # "$LATEST" or the published version number
    handler: str
    runtime: str
    timeout_seconds: float
    memory_mb: int
    environment: tuple[tuple[str, str], ...]  # sorted items: hashable and order-insensitive
    region: str
    account_id: str
    code_sha256: str  # hex digest of the archive: identifies the code without comparing bytes
    code_zip: bytes = field(compare=False, repr=False)
    log_format: str = "Text"  # LoggingConfig.LogFormat: "Text" or "JSON" (log_format.py)
    application_log_level: str | None = None  # LoggingConfig.ApplicationLogLevel, JSON format only

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def environment_dict(self) -> dict[str, str]:
        return dict(self.environment)


def sorted_environment(variables: dict[str, object] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(key), str(value)) for key, value in (variables or {}).items()))
