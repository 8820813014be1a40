"""The tooling's one bridge to the checkout domain (handlers/checkout_domain): its stock layout and token sealing.

The domain package ships inside the handlers' code archive, where it is a top-level package
(``import checkout_domain``). The tooling reuses it rather than copying its item layout, and loads it under that
same name from handlers/, without adding handlers/ to sys.path: nothing else of handlers/ becomes importable,
and a process that already imported ``checkout_domain`` (the handler tests) keeps its modules.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

DOMAIN_PACKAGE = "checkout_domain"
DOMAIN_DIR = Path(__file__).resolve().parent.parent / "handlers" / DOMAIN_PACKAGE


def domain_module(name: str) -> ModuleType:
    """``checkout_domain.<name>``, loaded from handlers/ on first use."""
    if DOMAIN_PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            DOMAIN_PACKAGE, DOMAIN_DIR / "__init__.py", submodule_search_locations=[str(DOMAIN_DIR)]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[DOMAIN_PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{DOMAIN_PACKAGE}.{name}")


def seed_stock(table_name: str, levels: Iterable[Mapping[str, Any]], dynamodb_client: Any) -> int:
    """Writes stock levels ([{sku, stock}]) as the inventory handlers store them; returns how many."""
    return int(domain_module("inventory").seed_stock(table_name, list(levels), client=dynamodb_client))


def seal_payment_token(token: str, order_id: str, key_arn: str, client_environment: Mapping[str, str]) -> str:
    """A payment token sealed as the checkout backend seals it (bound to the order id, under the stack's key).

    The sealing code builds its clients from the environment, as in a handler: ``client_environment`` (the
    emulator's endpoint, or nothing for AWS) is applied to this process first."""
    os.environ.update(client_environment)
    return str(domain_module("payment_token_seal").seal(token, order_id, key_arn))
