"""The CLI's commands; each returns the process exit code."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
import uuid
from pathlib import Path

from emulator.deploy import InvalidDefinitionError, UnsupportedResourceError
from emulator.ports import PortInUseError
from emulator.pulumi_program import StackConfigError
from sagactl.local_stack import LocalStack, local_stack, progress
from sagactl.scenarios import SCENARIOS, ScenarioOutcome, StackUnderTest, express_burst
from sagactl.text_table import render_table

REPO = Path(__file__).resolve().parent.parent


class UserFacingError(RuntimeError):
    """An error the user can act on: printed as one line, no traceback."""


def _errors_as_user_facing() -> tuple[type[Exception], ...]:
    return (StackConfigError, UnsupportedResourceError, InvalidDefinitionError, PortInUseError)


def serve(args: argparse.Namespace) -> int:
    # `kill` (SIGTERM) stops as cleanly as Ctrl-C: unwinding the `with` stops the emulator and its workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with local_stack(args.port, args.stack) as stack:
            print(_ready_message(stack), flush=True)
            progress("serving; press Ctrl-C to stop")
            threading.Event().wait()
    except _errors_as_user_facing() as error:
        raise UserFacingError(str(error)) from error
    return 0


def demo(args: argparse.Namespace) -> int:
    outcomes: list[ScenarioOutcome] = []
    try:
        with local_stack(args.port, args.stack) as stack:
            under_test = StackUnderTest(stack.clients, stack.outputs, run_id=uuid.uuid4().hex[:8])
            for scenario in SCENARIOS:
                progress(f"scenario: {scenario.__name__.replace('_', ' ')} ...")
                if scenario is express_burst:
                    outcomes.append(express_burst(under_test, count=args.burst))
                else:
                    outcomes.append(scenario(under_test))
    except _errors_as_user_facing() as error:
        raise UserFacingError(str(error)) from error
    rows = [(o.scenario, "ok" if o.ok else "WRONG", o.status, o.path, f"{o.duration_s:.2f}s") for o in outcomes]
    print(render_table(("scenario", "check", "status", "path taken", "duration"), rows))
    wrong = [o for o in outcomes if not o.ok]
    for outcome in wrong:
        for problem in outcome.problems:
            print(f"WRONG {outcome.scenario}: {problem}", file=sys.stderr)
    print(f"\n{len(outcomes) - len(wrong)}/{len(outcomes)} scenarios behaved as expected")
    return 1 if wrong else 0


def _ready_message(stack: LocalStack) -> str:
    aws = f"aws --endpoint-url {stack.endpoint_url} --region {stack.region}"
    outputs = stack.outputs
    checkout, validation = outputs["checkoutStateMachineArn"], outputs["orderValidationStateMachineArn"]
    execution_arn = checkout.replace(":stateMachine:", ":execution:") + ":ord-1001"
    lines = ["", "Stack outputs:"]
    lines += [f"  {key:<32} {value}" for key, value in sorted(outputs.items())]
    lines += [
        "",
        "Any credentials work against the emulator:",
        "  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
        "",
        "Start a checkout (the execution name is the order id: it dedupes resubmissions):",
        f"  {aws} stepfunctions start-execution --state-machine-arn {checkout} --name ord-1001 "
        f"--input {shlex.quote('file://' + str(REPO / 'examples/order-happy.json'))}",
        "See how it ended:",
        f"  {aws} stepfunctions describe-execution --execution-arn {execution_arn}",
        f"  {aws} stepfunctions get-execution-history --execution-arn {execution_arn}",
        "Validate an order synchronously (Express):",
        f"  {aws} stepfunctions start-sync-execution --state-machine-arn {validation} "
        f"--input {shlex.quote('file://' + str(REPO / 'examples/order-invalid.json'))}",
        "Handler logs:",
        f"  {aws} logs tail /aws/lambda/checkout-saga-process-payment-{stack.deployment.stack}",
        "",
    ]
    return "\n".join(lines)
