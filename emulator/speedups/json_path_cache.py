"""Each JSONPath parsed once per text, not at every state of every execution (speed-up sfn-json-path-cache).

moto's interpreter evaluates InputPath, OutputPath, Parameters' ``.$`` fields and ResultPath by calling
jsonpath_ng's ``parse(text)`` each time, and every call builds a new PLY parser before it parses. A parsed path is
a pure function of its text and never changes afterwards (``find`` and ``update_or_create`` change the data, not
the path), so one parsed path per text serves every evaluation. A path that fails to parse is not kept: it fails
on every evaluation, as before.
"""

from __future__ import annotations

import functools

from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.utils import json_path

from emulator.moto_seams import Kind, MotoExtension, Signature, SourceLine, patch

# The paths of a few definitions; the bound only caps a long-running emulator's memory.
MAX_PATHS = 4096


def _install() -> None:
    for module in (json_path, result_path):
        patch(module, "parse", functools.lru_cache(maxsize=MAX_PATHS))


EXTENSION = MotoExtension(
    name="sfn-json-path-cache",
    kind=Kind.SPEED_UP,
    purpose="each JSONPath text is parsed once and the parsed path shared, not parsed again by every state",
    module=__name__,
    seams=(
        # Both modules import jsonpath_ng's parse by name and call it per evaluation.
        Signature(json_path, "parse", ("path", "debug")),
        Signature(result_path, "parse", ("string",)),
        SourceLine(json_path, "extract_json", "input_expr = parse(path)"),
        SourceLine(result_path.ResultPath, "_eval_body", "result_expr = parse(self.result_path_src)"),
    ),
    install=_install,
)
