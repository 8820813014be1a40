"""moto-backend-lookup: an account's backend is created by moto, once, and found without moto's lock after."""

from __future__ import annotations

import threading

from moto.core import base_backend
from moto.core.base_backend import BackendDict, BaseBackend

from emulator.moto_backend_lookup import existing_backend_first


class _Backend(BaseBackend):
    pass


def test_first_use_creates_and_registers_like_moto_and_later_uses_skip_the_lock(monkeypatch) -> None:
    lookup = existing_backend_first(BackendDict.__getitem__)
    backends = BackendDict(_Backend, "sqs")
    monkeypatch.setattr(BackendDict, "_instances", [])

    created = lookup(backends, "111111111111")

    assert created is dict.__getitem__(backends, "111111111111")
    assert BackendDict._instances == [backends]  # registered, so reset() will clear it
    with base_backend.backend_lock:  # held by another thread: a lookup of an existing backend does not wait
        found: list[object] = []
        reader = threading.Thread(target=lambda: found.append(lookup(backends, "111111111111")))
        reader.start()
        reader.join(timeout=5)
    assert found == [created]


def test_after_a_reset_the_backend_is_created_and_registered_again(monkeypatch) -> None:
    lookup = existing_backend_first(BackendDict.__getitem__)
    backends = BackendDict(_Backend, "sqs")
    monkeypatch.setattr(BackendDict, "_instances", [])
    first = lookup(backends, "111111111111")

    BackendDict.reset()

    again = lookup(backends, "111111111111")
    assert again is not first and BackendDict._instances == [backends]
