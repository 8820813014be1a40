"""Warm workers on demand: a route of the emulator's control API.

  PUT /emulator-api/functions/<function>/warm-workers   body {"count": N}
      200 {"function": <ARN>, "warm_workers": n}: the function's pool has started workers until N of them
          (at most the pool size, ``--lambda-pool-size``) are warm, as Provisioned Concurrency would on Lambda
      400 a count that is not a positive integer, a name found in several regions, a function without a Zip
          archive, or a function whose init fails (its error, as an invocation would get it); 404 no such function

``<function>`` is a function name or ARN (an ARN picks the account and region; a name is looked up in every
region the emulator has functions in). For benchmarks: a worker started inside a measured window is a cold
start (~0.5 s of CPU) that the workload did not ask for.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from moto.awslambda.exceptions import UnknownFunctionException
from moto.awslambda.models import lambda_backends

from emulator.lambda_runtime import moto_lambda
from emulator.lambda_runtime.worker_process import WorkerInitError

blueprint = Blueprint("workers", __name__)


class _NotFound(Exception):
    pass


@blueprint.put("/emulator-api/functions/<function>/warm-workers")
def warm_workers(function: str) -> tuple[Response, int]:
    body: Any = request.get_json(silent=True)
    count = body.get("count") if isinstance(body, dict) else None
    if type(count) is not int or count < 1:
        return jsonify({"error": 'expected a JSON body {"count": <positive integer>}'}), 400
    try:
        found = _function(function)
    except _NotFound as error:
        return jsonify({"error": str(error)}), 404
    except ValueError as error:
        return jsonify({"error": str(error)}), 400
    runtime = moto_lambda.current_runtime()
    if runtime is None:
        return jsonify({"error": "No Lambda runtime is running in this emulator"}), 503
    spec = moto_lambda.spec_of(found)
    if not spec.code_zip:  # as an invocation of it would answer (moto_lambda.run_in_runtime)
        return jsonify({"error": "The emulator runs only Zip-packaged functions with code"}), 400
    try:
        warm = runtime.prestart(spec, count)
    except WorkerInitError as error:
        return jsonify({"error": f"{spec.function_name} did not start", "init_error": error.body}), 400
    return jsonify({"function": spec.function_arn, "warm_workers": warm}), 200


def _function(name_or_arn: str) -> Any:
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        if len(parts) < 7 or parts[2] != "lambda":
            raise ValueError(f"not a Lambda function ARN: {name_or_arn}")
        candidates = [(parts[4], parts[3])]
    else:
        candidates = [
            (account, region) for account, regions in list(lambda_backends.items()) for region in list(regions)
        ]
    found = []
    for account, region in candidates:
        try:
            found.append(lambda_backends[account][region].get_function(name_or_arn))
        except UnknownFunctionException:
            continue
    if not found:
        raise _NotFound(f"Function not found: {name_or_arn}")
    if len(found) > 1:
        raise ValueError(f"{name_or_arn} names functions in several regions: give its ARN")
    return found[0]
