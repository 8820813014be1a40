"""Configuration the infrastructure passes through environment variables.

Read at call time rather than cached at import, so tests and the emulator can point a warm module at other
tables. (The idempotency store is the exception: powertools needs it when the decorators are applied.)
"""

from __future__ import annotations

import os

DEFAULT_IDEMPOTENCY_TTL_SECONDS = 3600


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"Environment variable {name} is not set")
    return value


def orders_table_name() -> str:
    return _required("ORDERS_TABLE_NAME")


def payments_table_name() -> str:
    return _required("PAYMENTS_TABLE_NAME")


def inventory_table_name() -> str:
    return _required("INVENTORY_TABLE_NAME")


def idempotency_table_name() -> str:
    return _required("IDEMPOTENCY_TABLE_NAME")


def idempotency_ttl_seconds() -> int:
    raw = os.environ.get("IDEMPOTENCY_TTL_SECONDS") or str(DEFAULT_IDEMPOTENCY_TTL_SECONDS)
    try:
        seconds = int(raw)
    except ValueError:
        raise RuntimeError(f"IDEMPOTENCY_TTL_SECONDS must be a whole number of seconds, not {raw!r}") from None
    if seconds <= 0:
        raise RuntimeError("IDEMPOTENCY_TTL_SECONDS must be positive")
    return seconds


def payment_token_key_arn() -> str:
    """The KMS key (ARN: the Encryption SDK accepts no alias) that payment tokens are sealed with."""
    return _required("PAYMENT_TOKEN_KEY_ARN")


def accept_plaintext_payment_tokens() -> bool:
    """Whether validate_order seals a plaintext token itself (dev) instead of rejecting it. Off unless set."""
    return os.environ.get("ACCEPT_PLAINTEXT_PAYMENT_TOKENS", "false").lower() == "true"
