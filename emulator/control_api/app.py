"""The control API's app, and its place on the emulator's port: paths under /emulator-api/ (extension emulator-api).

  /emulator-api/faults...                          fault injection into the Lambda runtime (faults.py)
  /emulator-api/functions/<function>/warm-workers  warm workers on demand (warm_workers.py)
  /emulator-api/metering                           what the emulator was asked, counted (metering.py)

moto's server picks a Flask app per request (``DomainDispatcherApplication.get_application``): requests under
the prefix get this one; every other request goes to moto as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from emulator.control_api import faults, metering, warm_workers
from emulator.moto_seams import Kind, MotoExtension, Signature, around

PATH_PREFIX = "/emulator-api/"

app = Flask("emulator-api")
for routes in (faults.blueprint, warm_workers.blueprint, metering.blueprint):
    app.register_blueprint(routes)


def is_control_request(environ: dict[str, Any]) -> bool:
    return str(environ.get("PATH_INFO", "")).startswith(PATH_PREFIX)


def application_for(get_application: Callable[..., Any], dispatcher: Any, environ: dict[str, Any]) -> Any:
    return app if is_control_request(environ) else get_application(dispatcher, environ)


EXTENSION = MotoExtension(
    name="emulator-api",
    kind=Kind.FIDELITY,
    purpose="the control API (faults, warm workers, metering) answers under /emulator-api/ on the emulator's port",
    module=__name__,
    seams=(Signature(DomainDispatcherApplication, "get_application", ("self", "environ")),),
    install=lambda: around(DomainDispatcherApplication, "get_application", application_for),
)
