"""PUT /emulator-api/functions/<function>/warm-workers: workers started ahead of load, as Provisioned Concurrency."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from devstack.emulator_process import EmulatorProcess

SLOW_PID = """
import os, time

def handler(event, context):
    time.sleep(2)  # long enough for the three calls to overlap, however slow the machine makes their sending
    return os.getpid()
"""


def warm(emulator: EmulatorProcess, function: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{emulator.endpoint_url}/emulator-api/functions/{function}/warm-workers",
        data=json.dumps(body).encode(), method="PUT", headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_warm_workers_take_concurrent_invocations_without_a_cold_start(
    emulator: EmulatorProcess, create_function: Callable[..., str]
) -> None:
    name = create_function(SLOW_PID)

    status, answer = warm(emulator, name, {"count": 3})

    assert status == 200, answer
    assert answer["warm_workers"] == 3 and answer["function"].endswith(f":function:{name}")
    lambda_client = emulator.client("lambda")

    def invoke(_: int) -> tuple[int, str]:
        response = lambda_client.invoke(FunctionName=name, LogType="Tail")
        return json.loads(response["Payload"].read()), base64.b64decode(response["LogResult"]).decode()

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(invoke, range(3)))
    assert len({pid for pid, _ in results}) == 3
    reports = [log.splitlines()[-1] for _, log in results]
    assert all(report.startswith("REPORT") and "Init Duration" not in report for report in reports), reports


def test_the_count_is_capped_at_the_pool_size_and_warm_workers_are_not_started_again(
    emulator: EmulatorProcess, create_function: Callable[..., str]
) -> None:
    name = create_function(SLOW_PID)
    arn = emulator.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]

    assert warm(emulator, name, {"count": 2})[1]["warm_workers"] == 2
    assert warm(emulator, arn, {"count": 1})[1]["warm_workers"] == 2  # an ARN works too; none stopped
    assert warm(emulator, name, {"count": 50})[1]["warm_workers"] == 4  # the emulator's --lambda-pool-size


def test_bad_requests_are_refused_with_the_reason(
    emulator: EmulatorProcess, create_function: Callable[..., str]
) -> None:
    name = create_function(SLOW_PID)

    for body in ({"count": 0}, {"count": "3"}, {"count": True}, {}, [3]):
        status, answer = warm(emulator, name, body)
        assert status == 400 and "positive integer" in answer["error"], (body, answer)
    assert warm(emulator, "no-such-function", {"count": 1}) == (404, {"error": "Function not found: no-such-function"})
    missing_arn = "arn:aws:lambda:eu-west-1:123456789012:function:no-such-function"
    assert warm(emulator, missing_arn, {"count": 1})[0] == 404
    status, answer = warm(emulator, "arn:aws:sqs:eu-west-1:123456789012:queue", {"count": 1})
    assert status == 400 and "not a Lambda function ARN" in answer["error"]


def test_a_function_that_cannot_start_reports_its_init_error(
    emulator: EmulatorProcess, create_function: Callable[..., str]
) -> None:
    name = create_function("import module_that_is_not_there\n")

    status, answer = warm(emulator, name, {"count": 2})

    assert status == 400
    assert answer["init_error"]["errorType"] == "Runtime.ImportModuleError"
    assert "module_that_is_not_there" in answer["init_error"]["errorMessage"]


def test_a_function_without_a_zip_archive_is_refused(emulator: EmulatorProcess, kit) -> None:
    name = kit.unique_name("image")
    emulator.client("lambda").create_function(
        FunctionName=name, Role=kit.role_arn, PackageType="Image",
        Code={"ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:latest"},
    )

    status, answer = warm(emulator, name, {"count": 1})

    assert status == 400 and "Zip-packaged" in answer["error"]
