"""The checkout API's stack configuration (keys `api*` of Pulumi.<stack>.yaml), validated before anything is created."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi

from components.checkout_api import ApiAuthorization, ApiThrottling

STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class ApiConfig:
    authorization: ApiAuthorization
    throttling: ApiThrottling
    stage_name: str
    cors_allow_origin: str | None
    manage_account_logging_role: bool

    def __post_init__(self) -> None:
        if not STAGE_NAME.match(self.stage_name):
            raise ValueError(f"config apiStageName={self.stage_name!r} must be letters, digits, '-' or '_'")
        if self.cors_allow_origin is not None and not re.match(r"^(https?://[^\s/]+|\*)$", self.cors_allow_origin):
            raise ValueError(
                f"config apiCorsAllowOrigin={self.cors_allow_origin!r} must be an origin (https://shop.example.com)"
            )


def load_api_config(config: pulumi.Config) -> ApiConfig:
    try:
        authorization = ApiAuthorization(
            kind=config.get("apiAuthorization") or "AWS_IAM",
            user_pool_arns=tuple(_list(config, "apiJwtUserPoolArns")),
        )
        throttling = ApiThrottling(
            rate_limit=config.require_float("apiThrottlingRateLimit"),
            burst_limit=config.require_int("apiThrottlingBurstLimit"),
        )
    except ValueError as error:
        raise ValueError(f"config: {error}") from None
    manage = config.get_bool("apiManageAccountLoggingRole")
    return ApiConfig(
        authorization=authorization,
        throttling=throttling,
        stage_name=config.get("apiStageName") or "v1",
        cors_allow_origin=config.get("apiCorsAllowOrigin") or None,
        manage_account_logging_role=True if manage is None else manage,
    )


def _list(config: pulumi.Config, key: str) -> list[str]:
    raw = config.get(key)
    if raw is None:
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"config {key} must be a list of strings, got {raw!r}")
    return value
