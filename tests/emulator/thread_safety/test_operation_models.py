"""operation-model-lock: a request asking for an operation model while another thread builds it waits, and gets
moto's model, never botocore's from the middle of the build."""

from __future__ import annotations

import threading

from botocore.model import ServiceModel as BotocoreServiceModel
from moto.core import model as moto_model

from emulator import moto_extensions
from emulator.thread_safety import operation_models

OPERATIONS = {"metadata": {}, "operations": {"Ping": {"name": "Ping", "http": {"requestUri": "/ping"}}}, "shapes": {}}


def test_the_race_is_in_the_pinned_moto() -> None:
    assert operation_models.returns_botocores_model_mid_build()


def test_a_request_asking_mid_build_waits_for_motos_model() -> None:
    moto_extensions.install()
    service = moto_model.ServiceModel(OPERATIONS)
    answers: list[object] = []
    asker = threading.Thread(target=lambda: answers.append(service.operation_model("Ping")))
    with operation_models._LOCK:  # a request thread mid-build: botocore's model cached, moto's not yet
        BotocoreServiceModel.operation_model(service, "Ping")
        asker.start()
        asker.join(0.3)
        assert asker.is_alive() and not answers
        service._instance_cache[("operation_model", ("Ping",))] = moto_model.OperationModel(
            OPERATIONS["operations"]["Ping"], service, "Ping"
        )
    asker.join(5)
    [answer] = answers
    assert isinstance(answer, moto_model.OperationModel)
    assert answer.http_trait.path == "/ping"


def test_a_built_model_is_answered_from_the_cache() -> None:
    moto_extensions.install()
    service = moto_model.ServiceModel(OPERATIONS)
    first = service.operation_model("Ping")
    with operation_models._LOCK:  # held elsewhere: a built model does not wait for it
        assert service.operation_model("Ping") is first
    assert isinstance(first, moto_model.OperationModel)
