"""Lambda Invoke on the emulator: results, errors as Lambda reports them, isolation, warm reuse, concurrency."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from devstack.emulator_process import EmulatorProcess

ECHO_CONTEXT = """
import os

def handler(event, context):
    return {
        "event": event,
        "pid": os.getpid(),
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "environ": dict(os.environ),
    }
"""


def test_invoke_returns_the_handler_result_with_a_real_context(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(ECHO_CONTEXT, timeout=7)

    response = kit.invoke(emulator, name, {"order": 42})

    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    result = response["Payload"]
    assert result["event"] == {"order": 42}
    assert result["function_name"] == name
    assert result["function_version"] == "$LATEST"
    assert result["invoked_function_arn"].endswith(f":function:{name}")
    assert result["memory_limit_in_mb"] == "256"
    assert len(result["aws_request_id"]) == 36
    assert result["log_group_name"] == f"/aws/lambda/{name}"
    assert "[$LATEST]" in result["log_stream_name"]
    assert 6000 < result["remaining_ms"] <= 7000


def test_worker_sees_its_own_environment_and_not_the_emulators(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(ECHO_CONTEXT, environment={"TABLE_NAME": "orders", "LOG_LEVEL": "DEBUG"})

    environ = kit.invoke(emulator, name)["Payload"]["environ"]

    assert environ["TABLE_NAME"] == "orders"
    assert environ["LOG_LEVEL"] == "DEBUG"
    assert kit.parent_only_variable not in environ
    assert "MOTO_PORT" not in environ
    assert environ["AWS_ENDPOINT_URL"] == emulator.endpoint_url
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert environ["AWS_ACCESS_KEY_ID"] and environ["AWS_SECRET_ACCESS_KEY"] and environ["AWS_SESSION_TOKEN"]
    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert environ["_HANDLER"] == "app.handler"
    assert environ["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert environ["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"
    assert environ["LAMBDA_TASK_ROOT"]


def test_handler_exception_is_reported_with_its_class_name(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(
        """
        class PaymentDeclined(Exception):
            pass

        def handler(event, context):
            raise PaymentDeclined("card 4242 declined")
        """
    )

    response = kit.invoke(emulator, name)

    assert response["FunctionError"] == "Unhandled"
    error = response["Payload"]
    assert error["errorType"] == "PaymentDeclined"
    assert error["errorMessage"] == "card 4242 declined"
    assert any("app.py" in frame for frame in error["stackTrace"])
    assert not any("lambda_runtime" in frame for frame in error["stackTrace"])


def test_timeout_kills_the_worker_and_a_fresh_one_serves_next(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(
        """
        import os, time

        def handler(event, context):
            time.sleep(event.get("sleep", 0))
            return os.getpid()
        """,
        timeout=1,
    )
    first_pid = kit.invoke(emulator, name)["Payload"]

    started = time.monotonic()
    response = kit.invoke(emulator, name, {"sleep": 10})
    elapsed = time.monotonic() - started

    assert response["FunctionError"] == "Unhandled"
    assert response["Payload"]["errorType"] == "Sandbox.Timedout"
    assert response["Payload"]["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert elapsed < 5
    assert not _process_exists(first_pid)
    assert kit.invoke(emulator, name)["Payload"] != first_pid


def test_crashing_worker_is_reported_as_runtime_exit_error(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function("import os\n\ndef handler(event, context):\n    os._exit(7)\n")

    error = kit.invoke(emulator, name)["Payload"]

    assert error["errorType"] == "Runtime.ExitError"
    assert "exit status 7" in error["errorMessage"]


def test_import_failure_is_reported_as_import_module_error(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function("import not_a_module_anywhere\n\ndef handler(event, context):\n    return 1\n")

    response = kit.invoke(emulator, name)

    assert response["FunctionError"] == "Unhandled"
    assert response["Payload"]["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'not_a_module_anywhere'" in response["Payload"]["errorMessage"]


def test_nested_handler_module_is_resolved(emulator: EmulatorProcess, create_function: Callable[..., str], kit) -> None:
    name = create_function(
        "",
        handler="orders.api.handler",
        extra_files={
            "orders/__init__.py": "",
            "orders/api.py": "def handler(event, context):\n    return 'nested'\n",
        },
    )

    assert kit.invoke(emulator, name)["Payload"] == "nested"


def test_warm_worker_is_reused(emulator: EmulatorProcess, create_function: Callable[..., str], kit) -> None:
    name = create_function("import os\n\ndef handler(event, context):\n    return os.getpid()\n")

    pids = {kit.invoke(emulator, name)["Payload"] for _ in range(3)}

    assert len(pids) == 1


def test_concurrent_invocations_run_in_parallel(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    # Long enough for the workers still to start (a few at a time) while the first invocations run.
    name = create_function(
        "import os, time\n\ndef handler(event, context):\n    started = time.time()\n    time.sleep(3)\n"
        "    return [os.getpid(), started, time.time()]\n",
        timeout=10,
    )
    kit.invoke(emulator, name)  # one warm worker; the pool adds the others on demand

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda _: kit.invoke(emulator, name)["Payload"], range(4)))

    assert len({pid for pid, _, _ in runs}) == 4
    # Structural, not timed: every invocation started before any of them ended, so all four ran at once
    # (however slow a loaded machine makes the cold starts around them).
    assert max(started for _, started, _ in runs) < min(ended for _, _, ended in runs)


SLOW_INIT = """
import os, time

INIT = [time.time()]
time.sleep(0.5)
INIT.append(time.time())

def handler(event, context):
    return [os.getpid(), *INIT]
"""


def test_a_burst_starts_workers_a_few_at_a_time_and_still_scales_out(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(SLOW_INIT, timeout=10)

    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: kit.invoke(emulator, name)["Payload"], range(8)))

    inits = {pid: (started, ended) for pid, started, ended in runs}
    limit = os.cpu_count() or 1  # the emulator runs on this machine: one cold start per core at once
    assert len(inits) >= min(2, limit)  # a burst still gets more than one execution environment
    assert most_at_once(list(inits.values())) <= limit


def most_at_once(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = highest = 0
    for _, step in edges:  # an end sorts before a start at the same instant: touching is not overlapping
        running += step
        highest = max(highest, running)
    return highest


# Each of the first SLOW_INITS inits (counted in a file) sleeps past Lambda's 10 s init limit.
INITS_PAST_THE_LIMIT = """
import os, time

with open(os.environ["INIT_COUNT_FILE"], "a+") as count:
    count.write("x")
    count.seek(0)
    if len(count.read()) <= int(os.environ["SLOW_INITS"]):
        time.sleep(10.5)

def handler(event, context):
    return context.get_remaining_time_in_millis()
"""


def test_an_init_past_the_limit_is_retried_within_the_invocation_under_the_function_timeout(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit, tmp_path
) -> None:
    """As on Lambda: the first invocation runs a second init, which only the function timeout bounds."""

    def function(slow_inits: int, timeout: int) -> str:
        counter = tmp_path / f"inits-{slow_inits}"
        return create_function(INITS_PAST_THE_LIMIT, timeout=timeout,
                               environment={"INIT_COUNT_FILE": str(counter), "SLOW_INITS": str(slow_inits)})

    slow_once, slow_twice = function(slow_inits=1, timeout=5), function(slow_inits=2, timeout=1)
    with ThreadPoolExecutor(max_workers=2) as pool:  # side by side: each waits out a 10 s init
        first, second = pool.map(lambda name: kit.invoke(emulator, name), (slow_once, slow_twice))

    assert "FunctionError" not in first
    assert 0 < first["Payload"] <= 5000  # the retried init came out of the function's time
    messages = [event["message"] for event in
                emulator.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{slow_once}")["events"]]
    assert any(message.startswith("INIT_REPORT Init Duration: ") and message.endswith("Phase: init\tStatus: timeout")
               for message in messages)
    assert any(message.startswith("REPORT RequestId: ") for message in messages)
    # The retried init also ran past the function timeout: the invocation timed out.
    assert second["FunctionError"] == "Unhandled"
    assert second["Payload"]["errorType"] == "Sandbox.Timedout"
    assert second["Payload"]["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert (tmp_path / "inits-2").read_text() == "xx"  # two inits, no third


def test_code_and_configuration_updates_are_served_by_new_workers(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    source = "import os\n\ndef handler(event, context):\n    return [{version}, os.environ['COLOUR'], os.getpid()]\n"
    name = create_function(source.format(version=1), environment={"COLOUR": "red"})
    lambda_client = emulator.client("lambda")
    _, _, first_pid = kit.invoke(emulator, name)["Payload"]

    lambda_client.update_function_code(FunctionName=name, ZipFile=kit.zip_source({"app.py": source.format(version=2)}))
    version, colour, second_pid = kit.invoke(emulator, name)["Payload"]
    assert (version, colour) == (2, "red")
    assert second_pid != first_pid

    lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": {"COLOUR": "blue"}})
    version, colour, third_pid = kit.invoke(emulator, name)["Payload"]
    assert (version, colour) == (2, "blue")
    assert third_pid != second_pid


def test_event_invocation_is_accepted_at_once(emulator: EmulatorProcess, create_function: Callable[..., str]) -> None:
    name = create_function("import time\n\ndef handler(event, context):\n    time.sleep(2)\n", timeout=5)

    started = time.monotonic()
    response = emulator.client("lambda").invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")

    assert response["StatusCode"] == 202
    assert time.monotonic() - started < 1.5


def test_handler_output_lands_in_the_function_log_group(
    emulator: EmulatorProcess, create_function: Callable[..., str], kit
) -> None:
    name = create_function(
        """
        import json, logging, sys

        def handler(event, context):
            print("plain print", event["n"])
            print(json.dumps({"level": "INFO", "message": "structured", "service": "checkout"}))
            print("to stderr", file=sys.stderr)
            logging.getLogger().warning("via logging")
            return "ok"
        """
    )

    response = kit.invoke(emulator, name, {"n": 1}, LogType="Tail")

    events = emulator.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    messages = [event["message"] for event in events]
    assert messages[0].startswith("START RequestId: ")
    assert "plain print 1" in messages
    assert json.loads(messages[2]) == {"level": "INFO", "message": "structured", "service": "checkout"}
    assert "to stderr" in messages
    assert any(message.startswith("[WARNING]") and message.endswith("via logging") for message in messages)
    assert messages[-2].startswith("END RequestId: ")
    assert messages[-1].startswith("REPORT RequestId: ")
    assert events[0]["logStreamName"].endswith(tuple("0123456789abcdef")) and "/[$LATEST]" in events[0]["logStreamName"]
    assert "plain print 1" in _decode_base64(response["LogResult"])
    # awscli v1 has no `logs tail` (a v2 command); filter-log-events reads the same events.
    cli = kit.aws_cli(emulator, "logs", "filter-log-events", "--log-group-name", f"/aws/lambda/{name}")
    assert cli.returncode == 0, cli.stderr
    assert "plain print 1" in [event["message"] for event in json.loads(cli.stdout)["events"]]


def test_report_line_gives_the_workers_peak_memory(
    emulator: EmulatorProcess, create_function: Callable[..., str]
) -> None:
    """Max Memory Used is the environment's peak resident set: it grows with what a handler touched and does not
    fall back when the memory is freed (the next invocation reports the same peak)."""
    name = create_function(
        """
        def handler(event, context):
            if event["allocate_mb"]:
                block = bytearray(event["allocate_mb"] * 1024 * 1024)  # zero-filled: every page is touched
                del block
            return "ok"
        """
    )

    peaks = [_max_memory_used_mb(emulator, name, allocate_mb) for allocate_mb in (0, 80, 0)]

    assert 5 < peaks[0] < 80, peaks
    assert peaks[1] >= peaks[0] + 75, peaks
    assert peaks[2] == peaks[1], peaks


def _max_memory_used_mb(emulator: EmulatorProcess, name: str, allocate_mb: int) -> int:
    import base64
    import re

    response = emulator.client("lambda").invoke(
        FunctionName=name, Payload=json.dumps({"allocate_mb": allocate_mb}), LogType="Tail"
    )
    report = base64.b64decode(response["LogResult"]).decode().splitlines()[-1]
    match = re.search(r"Max Memory Used: (\d+) MB", report)
    assert report.startswith("REPORT RequestId: ") and match, report
    return int(match.group(1))


def _decode_base64(text: str) -> str:
    import base64

    return base64.b64decode(text).decode()


def _process_exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False
