"""moto's operation models built one at a time (extension operation-model-lock).

moto's `ServiceModel.operation_model` caches what it builds with botocore's `instance_cache`, and builds it by
calling botocore's `operation_model`, which caches too: under the same key, in the same dict. Until moto's wrapper
overwrites the entry, the cache holds botocore's `OperationModel`, which lacks moto's `http_trait`. A request
thread asking for the same operation in that moment gets it: a REST service's first requests, arriving side by
side, failed with a 500 ("'OperationModel' object has no attribute 'http_trait'"), seen in a benchmark run.
Models are built under a lock; once built (moto's class in the cache) they are read without it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.model import ServiceModel as BotocoreServiceModel
from moto.core import model as moto_model

from emulator.moto_seams import Holds, Kind, MotoExtension, Signature, SourceLine, original, patch

_LOCK = threading.Lock()
_NAME = "operation_model"


def _cache_key(operation_name: str) -> tuple[str, tuple[str]]:
    return (_NAME, (operation_name,))  # botocore's instance_cache key for a positional call


def _built_alone(build: Callable[..., Any]) -> Callable[..., Any]:
    def operation_model(self: Any, operation_name: str) -> Any:
        built = self._instance_cache.get(_cache_key(operation_name))
        if isinstance(built, moto_model.OperationModel):
            return built
        with _LOCK:
            # Another thread may have finished it while this one waited; otherwise moto builds and caches it.
            return build(self, operation_name)

    return operation_model


def returns_botocores_model_mid_build() -> bool:
    """The race is still there: caught between botocore's caching and its own, moto's (unpatched)
    `operation_model` answers from the cache with botocore's model."""
    service = moto_model.ServiceModel({"metadata": {}, "operations": {"Ping": {"name": "Ping"}}, "shapes": {}})
    BotocoreServiceModel.operation_model(service, "Ping")  # what moto's build does first, under the same key
    answered = original(moto_model.ServiceModel.operation_model)(service, "Ping")
    return not isinstance(answered, moto_model.OperationModel)


EXTENSION = MotoExtension(
    name="operation-model-lock",
    kind=Kind.FIDELITY,
    purpose="operation models are built one at a time: a REST service's first requests no longer fail with a 500",
    module=__name__,
    seams=(
        Signature(moto_model.ServiceModel, _NAME, ("self", "operation_name")),
        SourceLine(moto_model.ServiceModel, _NAME, "operation_model = super().operation_model(operation_name)"),
        Holds("moto's operation_model answers botocore's model mid-build", returns_botocores_model_mid_build),
    ),
    install=lambda: patch(moto_model.ServiceModel, _NAME, _built_alone),
)
