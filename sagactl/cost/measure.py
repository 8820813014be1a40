"""Measure what each design and path uses, on a stack deployed on the emulator.

Every execution runs alone, between two snapshots of the emulator's metering (GET /emulator-api/metering),
so everything metered in between is that execution's: its DynamoDB request units, KMS requests, and each
Lambda invocation with its billed milliseconds at the function's configured memory. Standard executions
also count their state transitions from their full history (retries included); Express executions take
their billed duration and memory from StartSyncExecution's billingDetails.

Designs measured (same emulator, same handlers, same run):
- saga:                the deployed checkout saga, each path (happy, out of stock, declined, invalid);
- seed:                the seed's two-step design (seed_design), created next to it;
- validation-express:  the deployed Express validation through StartSyncExecution (valid, invalid order);
- validation-standard: the same validation definition created as a STANDARD machine.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devstack.executions import describe_when_ended
from sagactl.cost.emulator_usage import Meter, Usage
from sagactl.cost.invoke import SagaEvents, function_configuration
from sagactl.cost.model import Behaviour, average, gb_seconds, state_transitions
from sagactl.cost.orders import EXPECTED_OUTCOME, OrderFactory, RunSkus, SagaPath
from sagactl.cost.seed_design import SEED_FUNCTIONS, seed_definition

if TYPE_CHECKING:  # deploying loads the Pulumi SDK: a measurement is given its stack
    from devstack.stack import LocalStack

# How each design's paths must end (status, error); a measurement of the wrong outcome is refused.
SEED_OUTCOME = {
    SagaPath.HAPPY: ("SUCCEEDED", None),
    SagaPath.OUT_OF_STOCK: ("SUCCEEDED", None),  # the sketch refunds and ends: no failure is reported
    SagaPath.DECLINED: ("FAILED", "PaymentDeclinedException"),
}
VALIDATION_OUTCOME = {"valid": ("SUCCEEDED", None), "invalid": ("FAILED", "OrderInvalid")}


class UnexpectedOutcome(RuntimeError):
    pass


@dataclass
class Measurement:
    behaviours: dict[str, Behaviour] = field(default_factory=dict)  # "<design>/<path>" -> behaviour
    configuration: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "configuration": self.configuration,
            "behaviours": {key: behaviour.to_json() for key, behaviour in self.behaviours.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        return cls(
            behaviours={key: Behaviour(**value) for key, value in data["behaviours"].items()},
            configuration=dict(data.get("configuration", {})),
        )


def measure(
    stack: LocalStack, skus: RunSkus, executions: int = 10, progress: Callable[[str], None] = lambda message: None
) -> Measurement:
    """``executions`` runs of each path (happy) and a third of that (at least 3) of every other path, with orders
    on the run's ``skus`` (stocked: RunSkus.stocked_on)."""
    configuration = function_configuration(stack, "validate_order")  # every function shares these settings
    architecture = configuration["Architectures"][0]
    measurement = Measurement(configuration={
        "stack": stack.name, "region": stack.region, "lambda_architecture": architecture,
        "lambda_memory_mb": int(configuration["MemorySize"]), "executions_per_path": executions,
    })
    others = max(executions // 3, 3)
    factory = OrderFactory(stack, skus)
    sfn = stack.clients.stepfunctions

    for path in SagaPath:
        progress(f"cost: saga, {path.value} ...")
        samples = [
            _standard_run(stack, stack.checkout_arn, factory.order(path), EXPECTED_OUTCOME[path], architecture)
            for _ in range(executions if path is SagaPath.HAPPY else others)
        ]
        measurement.behaviours[f"saga/{path.value}"] = average(f"saga/{path.value}", samples)

    seed_arn = _create_machine(stack, skus, "seed", seed_definition(
        {module: _function_arn(stack, module) for module in SEED_FUNCTIONS}), "STANDARD")
    for path, outcome in SEED_OUTCOME.items():
        progress(f"cost: seed two-step design, {path.value} ...")
        samples = []
        for _ in range(executions if path is SagaPath.HAPPY else others):
            step_input = SagaEvents(stack, factory.order(path)).for_module("process_payment")
            samples.append(_standard_run(stack, seed_arn, step_input, outcome, architecture))
        measurement.behaviours[f"seed/{path.value}"] = average(f"seed/{path.value}", samples)

    described = sfn.describe_state_machine(stateMachineArn=stack.validation_arn)
    standard_validation = _create_machine(stack, skus, "validation", json.loads(described["definition"]), "STANDARD")
    for kind, outcome in VALIDATION_OUTCOME.items():
        path = SagaPath.HAPPY if kind == "valid" else SagaPath.INVALID
        count = executions if kind == "valid" else others
        progress(f"cost: validation, {kind} order ...")
        express = [_express_run(stack, factory.order(path), outcome, architecture) for _ in range(count)]
        measurement.behaviours[f"validation-express/{kind}"] = average(f"validation-express/{kind}", express)
        standard = [
            _standard_run(stack, standard_validation, factory.order(path), outcome, architecture)
            for _ in range(count)
        ]
        measurement.behaviours[f"validation-standard/{kind}"] = average(f"validation-standard/{kind}", standard)
    return measurement


def _standard_run(
    stack: LocalStack, machine_arn: str, execution_input: dict[str, Any], outcome: tuple[str, str | None],
    architecture: str,
) -> Behaviour:
    sfn = stack.clients.stepfunctions
    with Meter(stack.control) as meter:
        arn = sfn.start_execution(stateMachineArn=machine_arn, name=uuid.uuid4().hex,
                                  input=json.dumps(execution_input))["executionArn"]
        described = describe_when_ended(sfn, arn)
    _check(arn, (described["status"], described.get("error")), outcome)
    events = [event for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
              for event in page["events"]]
    return _behaviour(meter.usage, architecture, transitions=state_transitions(events))


def _express_run(
    stack: LocalStack, order: dict[str, Any], outcome: tuple[str, str | None], architecture: str
) -> Behaviour:
    with Meter(stack.control) as meter:
        response = stack.clients.stepfunctions.start_sync_execution(
            stateMachineArn=stack.validation_arn, input=json.dumps(order)
        )
    _check(response["executionArn"], (response["status"], response.get("error")), outcome)
    billing = response["billingDetails"]
    express = gb_seconds(billing["billedDurationInMilliseconds"], billing["billedMemoryUsedInMB"])
    return _behaviour(meter.usage, architecture, express_requests=1.0, express_gb_seconds=express)


def _behaviour(usage: Usage, architecture: str, **orchestration: float) -> Behaviour:
    invocations = sum(f.get("invocations", 0) for f in usage.functions.values())
    lambda_gb_s = sum(gb_seconds(f.get("billed_ms", 0), f.get("memory_mb", 0)) for f in usage.functions.values())
    return Behaviour(
        name="",
        measured=1,
        lambda_invocations=float(invocations),
        lambda_gb_seconds=lambda_gb_s,
        lambda_architecture=architecture,
        dynamodb_write_units=usage.dynamodb_total("write_units"),
        dynamodb_read_units=usage.dynamodb_total("read_units"),
        kms_requests=float(usage.request_count("kms")),
        **orchestration,
    )


def _check(arn: str, got: tuple[str, str | None], expected: tuple[str, str | None]) -> None:
    if got != expected:
        raise UnexpectedOutcome(f"{arn}: expected {expected}, got {got}")


def _function_arn(stack: LocalStack, module: str) -> str:
    return str(function_configuration(stack, module)["FunctionArn"])


def _create_machine(
    stack: LocalStack, skus: RunSkus, label: str, definition: dict[str, Any], machine_type: str
) -> str:
    sfn = stack.clients.stepfunctions
    role = sfn.describe_state_machine(stateMachineArn=stack.checkout_arn)["roleArn"]
    return str(sfn.create_state_machine(
        name=f"cost-{label}-{skus.run_id.lower()}", definition=json.dumps(definition), roleArn=role,
        type=machine_type,
    )["stateMachineArn"])
