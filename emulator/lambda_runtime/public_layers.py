"""Public layers published by other accounts (the Powertools layer) for functions on the emulator.

On AWS a function may use a layer version that another account shared publicly. moto only knows layers
published in its own backend and rejects the rest. The emulator stands in for such public layers: their
content is this Python environment (requirements.txt pins the same powertools version the layer ARN in
the stack config carries), so the function's configuration keeps the real ARN and the worker finds the
packages on its path. A missing layer of the function's *own* account is still an error, as on AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaFunction

from emulator.moto_seams import Kind, MotoExtension, Signature, around

LayerData = dict[str, Any]


def layers_data(
    original: Callable[[Any, list[str]], list[LayerData]], function: Any, layers_versions_arns: list[str]
) -> list[LayerData]:
    own = [arn for arn in layers_versions_arns if _account_of(arn) == function.account_id]
    known = {entry["Arn"]: entry for entry in original(function, own)} if own else {}
    return [known.get(arn) or {"Arn": arn, "CodeSize": 0} for arn in layers_versions_arns]


def _account_of(layer_version_arn: str) -> str:
    parts = layer_version_arn.split(":")
    if len(parts) != 8 or parts[2] != "lambda" or parts[5] != "layer":
        raise ValueError(f"not a layer version ARN: {layer_version_arn}")
    return parts[4]


EXTENSION = MotoExtension(
    name="lambda-public-layers",
    kind=Kind.FIDELITY,
    purpose="layer versions that other accounts publish (Powertools) are accepted, stood in by this environment",
    module=__name__,
    seams=(Signature(LambdaFunction, "_get_layers_data", ("self", "layers_versions_arns")),),
    install=lambda: around(LambdaFunction, "_get_layers_data", layers_data),
)
