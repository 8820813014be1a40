"""The environment a worker process starts with: what Lambda gives a function, and nothing of the emulator's.

The emulator's own variables (a test's, a developer's shell's, real AWS credentials) must never reach
handler code, so the environment is built from scratch rather than copied and trimmed.
"""

from __future__ import annotations

import os
from pathlib import Path

from emulator.lambda_runtime.function_spec import FunctionSpec

# Only what a process needs to run at all. Everything else a handler sees comes from the function.
# HOME is left out on purpose: Lambda has none, and with it boto3 in the worker would read the
# developer's ~/.aws/config and credentials.
_INHERITED_BASICS = ("PATH", "LANG", "LC_ALL", "TMPDIR")
_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
# Lambda hands a function its role's temporary credentials; the emulator accepts any.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def worker_environment(
    spec: FunctionSpec, endpoint_url: str, task_root: Path, log_stream_name: str
) -> dict[str, str]:
    environment = {name: os.environ[name] for name in _INHERITED_BASICS if name in os.environ}
    environment.setdefault("PATH", _DEFAULT_PATH)
    environment["TZ"] = ":UTC"  # Lambda's clock is UTC
    environment.update(spec.environment_dict())
    # Lambda's reserved variables win over the function's own, as on AWS (it rejects setting them).
    environment.update(FAKE_CREDENTIALS)
    environment.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "LAMBDA_TASK_ROOT": str(task_root),
            "_HANDLER": spec.handler,
        }
    )
    if spec.log_format == "JSON":  # Lambda tells the runtime (and Powertools) about JSON logs this way
        environment["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        environment["AWS_LAMBDA_LOG_LEVEL"] = spec.application_log_level or "INFO"
    return environment
