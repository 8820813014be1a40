"""A worker's environment for handler code the benchmarks run outside the emulator (import timing, the direct chain).

Exactly what the runtime gives a worker (emulator.lambda_runtime.worker_env), Lambda's reserved variables
included: libraries change behaviour on them (powertools turns its Tracer and the X-Ray SDK on only inside
Lambda), so handler code run without them would do less work than it does in a worker. The task root is the
repository's handlers/, the code the deployed archives are built from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devstack.emulator_process import PROJECT_ROOT
from emulator.lambda_runtime.function_spec import FunctionSpec, sorted_environment
from emulator.lambda_runtime.worker_env import worker_environment
from sagactl.cost.invoke import function_configuration

if TYPE_CHECKING:
    from devstack.stack import LocalStack

HANDLERS_DIR = PROJECT_ROOT / "handlers"


def worker_like_environment(stack: LocalStack, modules: tuple[str, ...]) -> dict[str, str]:
    """The environment of the first module's worker, with the other modules' variables added (the direct
    chain runs several handlers in one process; their variables name the same tables and never conflict)."""
    configurations = [function_configuration(stack, module) for module in modules]
    variables: dict[str, Any] = {}
    for configuration in configurations:
        variables.update(configuration.get("Environment", {}).get("Variables", {}))
    first = configurations[0]
    spec = FunctionSpec(
        function_name=first["FunctionName"], function_arn=first["FunctionArn"], version=first["Version"],
        handler=first["Handler"], runtime=first["Runtime"], timeout_seconds=float(first["Timeout"]),
        memory_mb=int(first["MemorySize"]), environment=sorted_environment(variables), region=stack.region,
        account_id=first["FunctionArn"].split(":")[4], code_sha256="", code_zip=b"",
    )
    return worker_environment(spec, stack.endpoint_url, HANDLERS_DIR, "bench/[$LATEST]outside-the-emulator")
