"""Safe change of the live saga on the emulator (issue #19): a changed handler redeployed in place publishes new
versions, the `live` alias splits new checkouts by the stack's canaryWeight, executions in flight finish on the
version they started on, and `sagactl rollout` promotes a healthy version and rolls a broken one back by itself.

The tests build on each other, in order, on one stack: saga version 2 is the canary of the first, promoted by the
second; version 3 is the broken release of the third."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devstack.emulator_process import PROJECT_ROOT
from devstack.executions import describe_when_ended
from devstack.orders import example_order
from devstack.stack import FAST_RETRIES, LocalStack, in_subprocess
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from emulator.stepfunctions.versions import ROUTING_SEED_VARIABLE
from sagactl.rollout.steps import RolloutSettings, roll_out

pytestmark = pytest.mark.e2e
SEED = "19"
PROGRAM_FILES = ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml", "handlers")


@pytest.fixture(scope="module")
def deployments() -> Iterator[list[LocalStack]]:
    """The stack as deployed, then as each redeploy left it (the last one is current)."""
    with in_subprocess(config_overrides=FAST_RETRIES, emulator_env={ROUTING_SEED_VARIABLE: SEED}) as stack:
        yield [stack]


def changed_program(tmp_path: Path, module: str, marker: str) -> Path:
    """A copy of the program whose handler `module` carries one more line: new code, same behaviour."""
    for name in PROGRAM_FILES:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    handler = tmp_path / "handlers" / f"{module}.py"
    handler.write_text(handler.read_text() + f"\nDEPLOYMENT_MARKER = {marker!r}\n")
    return tmp_path


def function_version(stack: LocalStack, logical_name: str) -> str:
    (function,) = [r for r in stack.deployment.resources if r.type.endswith(":Function") and r.name == logical_name]
    return str(function.outputs["version"])


def saga_version(stack: LocalStack) -> str:
    (machine,) = [r for r in stack.deployment.resources if r.type.endswith(":StateMachine") and r.name == "checkout"]
    return str(machine.outputs["stateMachineVersionArn"])


def run_checkout(stack: LocalStack, prefix: str) -> dict:
    order = example_order("happy", order_id=f"{prefix}-{random.randbytes(4).hex()}")
    return describe_when_ended(stack.clients.stepfunctions, stack.start_checkout(order), timeout_s=120)


def test_a_redeployed_handler_gets_a_new_version_and_a_canary_share_of_checkouts(deployments, tmp_path) -> None:
    local = deployments[-1]
    first_saga = saga_version(local)
    assert first_saga.endswith(":1") and function_version(local, "confirm-order") == "1"
    before = run_checkout(local, "before")
    assert (before["status"], before["stateMachineVersionArn"]) == ("SUCCEEDED", first_saga)

    # An execution in flight across the redeploy: its ConfirmOrder is held back (a slow cold start) until the update
    # has landed; lifting the fault lets it go.
    control = local.control
    held = local.function_name("confirm_order")
    hold = FaultRule(FaultKind.LATENCY, at="init", latency_ms=(120_000, 120_000), max_count=1)
    control.set_faults(held, RandomFaults(0, (hold,)))
    in_flight_order = example_order("happy", order_id=f"in-flight-{random.randbytes(4).hex()}")
    in_flight = local.start_checkout(in_flight_order)

    canary = {**FAST_RETRIES, "checkout-saga:canaryWeight": "10"}
    redeployed = local.redeploy(canary, changed_program(tmp_path, "confirm_order", "v2"))
    deployments.append(redeployed)
    assert local.clients.stepfunctions.describe_execution(executionArn=in_flight)["status"] == "RUNNING"
    control.clear_faults(held)

    # Only the changed handler has a new version; the saga has one invoking it; nothing else was recreated.
    assert function_version(redeployed, "confirm-order") == "2"
    assert function_version(redeployed, "process-payment") == "1"
    second_saga = saga_version(redeployed)
    assert second_saga.endswith(":2")
    assert redeployed.outputs == {**local.outputs}  # same resources, same names and ARNs

    finished = describe_when_ended(local.clients.stepfunctions, in_flight, timeout_s=120)
    assert (finished["status"], finished["stateMachineVersionArn"]) == ("SUCCEEDED", first_saga)

    # 10% of new checkouts on the new saga version, drawn reproducibly under the emulator's seed.
    runs = [run_checkout(redeployed, "canary") for _ in range(20)]
    assert {run["status"] for run in runs} == {"SUCCEEDED"}
    draws = random.Random(SEED)
    for _ in range(2):  # the draws of `before` and of the in-flight checkout
        draws.choices([first_saga], [100])
    expected = [draws.choices([second_saga, first_saga], [10, 90])[0] for _ in range(20)]
    assert [run["stateMachineVersionArn"] for run in runs] == expected
    assert all(run["stateMachineAliasArn"] == redeployed.checkout_alias_arn for run in runs)


@contextmanager
def checkout_traffic(stack: LocalStack, prefix: str, every_s: float = 0.3) -> Iterator[list[str]]:
    """Checkouts started through the alias, one every `every_s`, while the block runs (what a rollout watches)."""
    started: list[str] = []
    stop = threading.Event()

    def send() -> None:
        while not stop.is_set():
            order = example_order("happy", order_id=f"{prefix}-{random.randbytes(4).hex()}")
            started.append(stack.start_checkout(order))
            stop.wait(every_s)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        yield started
    finally:
        stop.set()
        sender.join()


def alias_routing(stack: LocalStack) -> dict[str, int]:
    routing = stack.clients.stepfunctions.describe_state_machine_alias(stateMachineAliasArn=stack.checkout_alias_arn)
    return {route["stateMachineVersionArn"]: route["weight"] for route in routing["routingConfiguration"]}


def test_rollout_takes_a_healthy_version_to_all_new_checkouts_step_by_step(deployments) -> None:
    local = deployments[-1]
    sfn = local.clients.stepfunctions
    versions = [v["stateMachineVersionArn"] for v in
                sfn.list_state_machine_versions(stateMachineArn=local.checkout_arn)["stateMachineVersions"]]
    newest = versions[0]
    assert newest.endswith(":2") and alias_routing(local) == {newest: 10, versions[1]: 90}  # the canary above
    said: list[str] = []
    # Each step is judged as soon as two of its checkouts ended, however slow this machine is (up to 2 minutes).
    settings = RolloutSettings(steps=(10, 50, 100), watch_seconds=0, min_executions=2, max_watch_seconds=120,
                               poll_seconds=0.5)

    with checkout_traffic(local, "healthy", every_s=0.2):
        promoted = roll_out(sfn, local.checkout_alias_arn, settings, said.append)

    assert promoted, said
    assert alias_routing(local) == {newest: 100}
    assert [line.split(":")[0] for line in said if line.startswith("step ")] == ["step 10%", "step 50%", "step 100%"]
    assert said[-1] == "DONE: version 2 takes 100% of new executions"


BROKEN = '''

def lambda_handler(event, context):  # a release that fails every payment: a technical failure, not a decline
    raise RuntimeError("broken release")
'''


def test_rollout_rolls_a_broken_version_back_by_itself(deployments, tmp_path) -> None:
    local = deployments[-1]
    program = changed_program(tmp_path, "process_payment", "v3")
    for module, addition in (("process_payment", BROKEN), ("confirm_order", "\nDEPLOYMENT_MARKER = 'v2'\n")):
        handler = program / "handlers" / f"{module}.py"  # confirm_order as deployed by the first test
        handler.write_text(handler.read_text() + addition)
    redeployed = local.redeploy({**FAST_RETRIES, "checkout-saga:canaryWeight": "10"}, program)
    deployments.append(redeployed)
    broken, healthy = saga_version(redeployed), saga_version(local)
    assert broken.endswith(":3") and alias_routing(redeployed) == {broken: 10, healthy: 90}

    with checkout_traffic(redeployed, "broken") as started:
        rollout = subprocess.run(
            [sys.executable, "-m", "sagactl", "rollout", "--endpoint-url", local.endpoint_url,
             "--watch-seconds", "60", "--max-watch-seconds", "120", "--min-executions", "2",
             "--max-failure-rate", "0.2"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        )

    assert rollout.returncode == 1, rollout.stderr
    lines = rollout.stdout.splitlines()
    assert lines[1].startswith("step 10%: version 3 takes 10%")
    assert any(line.startswith("ROLLED BACK: version 2 takes 100%") for line in lines), rollout.stdout
    assert alias_routing(redeployed) == {healthy: 100}
    # Every checkout ended on the version it started on: the broken one's failed, the healthy one's succeeded.
    sfn = local.clients.stepfunctions
    ended = [describe_when_ended(sfn, arn, timeout_s=120) for arn in started]
    on_broken = [e for e in ended if e["stateMachineVersionArn"] == broken]
    assert on_broken and all(e["status"] == "FAILED" for e in on_broken)
    assert all(e["status"] == "SUCCEEDED" for e in ended if e["stateMachineVersionArn"] == healthy)
