"""Metering: a route of the emulator's control API.

  GET /emulator-api/metering   {"requests": {<service>: {<operation>: n}},
                                "dynamodb": {<table>: {<operation>: {"requests", "conditional_failures",
                                                                    "read_units", "write_units"}}}}

Counts since the emulator started, never reset: a client measures a run by the difference of two GETs
(see emulator.metering.requests for what is counted and how DynamoDB units are computed).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from emulator.metering.requests import meter

blueprint = Blueprint("metering", __name__)


@blueprint.get("/emulator-api/metering")
def metering() -> Response:
    return jsonify(meter.snapshot())
