"""Fault injection: routes of the emulator's control API.

  GET    /emulator-api/faults              {"policies": {<function>: <policy>}, "injected": {<function>: {<kind>: n}}}
  PUT    /emulator-api/faults/<function>   body: a policy {"seed": 7, "rules": [{"kind": "throttle", ...}]}
  DELETE /emulator-api/faults/<function>   no more faults for that function
  DELETE /emulator-api/faults              no more faults for any function

Functions are named as Lambda names them (FunctionName, not the ARN). ``injected`` counts every fault since
the emulator started and is never reset: a client measures a run by the difference of two GETs. The rule
format is emulator.lambda_runtime.faults.FaultRule; invalid policies are a 400 with the reason.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from emulator.lambda_runtime import moto_lambda
from emulator.lambda_runtime.faults import FaultSpecError, RandomFaults
from emulator.lambda_runtime.runtime import LambdaRuntime

blueprint = Blueprint("faults", __name__)


@blueprint.get("/emulator-api/faults")
def list_faults() -> Response:
    runtime = _runtime()
    policies = {name: policy.to_json() for name, policy in sorted(runtime.fault_policies().items())}
    return jsonify({"policies": policies, "injected": runtime.injected_faults()})


@blueprint.put("/emulator-api/faults/<function_name>")
def set_faults(function_name: str) -> tuple[Response, int]:
    body: Any = request.get_json(silent=True)
    try:
        policy = RandomFaults.from_json(body)
    except FaultSpecError as error:
        return jsonify({"error": str(error)}), 400
    _runtime().set_fault_policy(function_name, policy)
    return jsonify({"function": function_name, "policy": policy.to_json()}), 200


@blueprint.delete("/emulator-api/faults/<function_name>")
def clear_function_faults(function_name: str) -> tuple[Response, int]:
    _runtime().set_fault_policy(function_name, None)
    return jsonify({"function": function_name, "policy": None}), 200


@blueprint.delete("/emulator-api/faults")
def clear_all_faults() -> tuple[Response, int]:
    _runtime().clear_fault_policies()
    return jsonify({"policies": {}}), 200


def _runtime() -> LambdaRuntime:
    runtime = moto_lambda.current_runtime()
    if runtime is None:  # only between stop() and the server's last request
        raise RuntimeError("No Lambda runtime is running in this emulator")
    return runtime
