"""A function's log format, as Lambda applies it (extension lambda-log-format).

moto drops a function's LoggingConfig: GetFunctionConfiguration never showed it, and the runtime could not know
that a function deployed with JSON logs writes its system lines (START, END, REPORT) and an uncaught error as
JSON. Here LoggingConfig is kept with AWS's defaults (Text, ``/aws/lambda/<name>``; JSON adds the application and
system log levels, INFO unless set), returned by Create/Get/UpdateFunctionConfiguration, and handed to the
runtime (FunctionSpec.log_format; the worker gets AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL as on Lambda).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction

from emulator.moto_seams import Kind, MotoExtension, SetsAttributes, Signature, around

TEXT = "Text"
JSON = "JSON"
_JSON_LEVEL_DEFAULTS = {"ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO"}


def logging_config(requested: dict[str, Any] | None, function_name: str,
                   current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The LoggingConfig AWS stores for ``requested`` (an update keeps what it does not name)."""
    merged = {**(current or {}), **{key: value for key, value in (requested or {}).items() if value is not None}}
    config: dict[str, Any] = {"LogFormat": merged.get("LogFormat") or TEXT,
                              "LogGroup": merged.get("LogGroup") or f"/aws/lambda/{function_name}"}
    if config["LogFormat"] == JSON:
        config.update({key: merged.get(key) or default for key, default in _JSON_LEVEL_DEFAULTS.items()})
    return config


def log_format_of(function: Any) -> str:
    config = getattr(function, "logging_config", None) or {}
    return str(config.get("LogFormat", TEXT))


def application_log_level_of(function: Any) -> str | None:
    config = getattr(function, "logging_config", None) or {}
    level = config.get("ApplicationLogLevel")
    return str(level) if level else None


def _init(original: Any, self: Any, account_id: str, spec: dict[str, Any], region: str, version: Any = 1) -> None:
    original(self, account_id, spec, region, version)
    self.logging_config = logging_config(spec.get("LoggingConfig"), self.function_name)


def _update_configuration(original: Any, self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
    if "LoggingConfig" in config_updates:
        self.logging_config = logging_config(config_updates["LoggingConfig"], self.function_name,
                                             getattr(self, "logging_config", None))
    result: dict[str, Any] = original(self, config_updates)
    return result


def _get_configuration(original: Any, self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    config: dict[str, Any] = original(self, *args, **kwargs)
    config["LoggingConfig"] = dict(getattr(self, "logging_config", None) or logging_config(None, self.function_name))
    return config


def _install() -> None:
    around(LambdaFunction, "__init__", _init)
    around(LambdaFunction, "update_configuration", _update_configuration)
    around(LambdaFunction, "get_configuration", _get_configuration)


EXTENSION = MotoExtension(
    name="lambda-log-format",
    kind=Kind.FIDELITY,
    purpose="LoggingConfig kept and shown; JSON-format functions log START/END/REPORT and uncaught errors as JSON",
    module=__name__,
    seams=(
        Signature(LambdaFunction, "__init__", ("self", "account_id", "spec", "region", "version")),
        SetsAttributes(LambdaFunction, "__init__", ("function_name",)),
        Signature(LambdaFunction, "update_configuration", ("self", "config_updates")),
        Signature(LambdaFunction, "get_configuration", ("self", "on_create")),
    ),
    install=_install,
)
