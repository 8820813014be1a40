"""sagactl's reliability commands: faults, check, chaos, recover, fuzz (see docs/reliability.md).

  sagactl faults set <function> --fault KIND[:PROBABILITY] ... [--seed N]   inject faults (emulator only)
  sagactl faults list | clear [<function>]
  sagactl check      the saga's invariants over executions, tables and dead-letter queue (AWS or emulator)
  sagactl chaos      N concurrent sagas with random faults everywhere, then the check (fresh emulator by default)
  sagactl recover    start the rollback workflow for each escalated saga in the dead-letter queue
  sagactl fuzz       malformed orders through both workflows: clean refusals, no side effects
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devstack.clients import AwsClients
from devstack.control import EmulatorControl
from devstack.executions import wait_until_ended
from emulator.lambda_runtime.faults import FaultKind, FaultRule, RandomFaults
from sagactl import progress
from sagactl.connection import DEFAULT_EMULATOR_ENDPOINT, add_connection_arguments, clients_for, connect
from sagactl.discovery import SagaStack, StackNotFound, discover
from sagactl.errors import UserFacingError
from sagactl.reliability.chaos import ChaosSettings, render_chaos, run_chaos
from sagactl.reliability.check_run import render_report, run_check
from sagactl.reliability.recovery import DEFAULT_WAIT_SECONDS, recover, render_recoveries
from sagactl.text_table import render_table


def add_subcommands(sub: Any) -> None:
    """Adds faults, check, chaos, recover and fuzz to sagactl's subparsers."""
    _add_faults(sub)
    check = sub.add_parser("check", help="check the saga's invariants (executions, ledger, stock, orders, DLQ)")
    _add_stack_arguments(check)
    check.add_argument("--execution", action="append", help="check only this execution ARN (repeatable)")
    check.add_argument("--since-minutes", type=float, help="only executions started, and effects made, since then")
    check.add_argument("--initial-stock", type=Path, help="stock before the run: [{sku, stock}] or {sku: stock}")
    check.add_argument("--wait", type=float, default=0.0, help="first wait up to this many seconds for running ones")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(run=check_command)

    chaos = sub.add_parser("chaos", help="many concurrent sagas under random faults, then the invariant check")
    chaos.add_argument("--endpoint-url", help="a running emulator with the stack (default: start a fresh one)")
    chaos.add_argument("--sagas", type=int, default=1000, help="orders to check out (default 1000)")
    chaos.add_argument("--concurrency", type=int, default=50, help="executions in flight at once (default 50)")
    chaos.add_argument("--seed", type=int, default=7, help="seed of the order mix and of every fault policy")
    chaos.add_argument("--fault-rate", type=float, default=0.1, help="chance an invocation fails (default 0.1)")
    chaos.add_argument("--latency-rate", type=float, default=0.1, help="chance an invocation is slowed (default 0.1)")
    chaos.add_argument("--redeliveries", type=float, default=0.0, help="share of orders submitted again (0..1)")
    chaos.add_argument("--mid-flight", action="store_true", help="also kill handlers in the middle of their work")
    chaos.add_argument("--no-recover", action="store_true", help="leave escalations in the dead-letter queue")
    chaos.add_argument("--operator-stops", type=float, default=0.0,
                       help="share of the executions an operator stops at a random moment (0..1; default 0)")
    chaos.add_argument("--lambda-pool-size", type=int, default=4, help="fresh emulator: workers per function")
    chaos.add_argument("--retry-max-delay", default="1", help="fresh emulator: retryMaxDelaySeconds (default 1)")
    chaos.add_argument("--json", type=Path, help="also write the figures to this file")
    chaos.set_defaults(run=chaos_command)

    rec = sub.add_parser("recover", help="start the rollback workflow for each dead letter and wait for it")
    _add_stack_arguments(rec)
    rec.add_argument("--discard-confirmed", action="store_true", help="drop messages of orders CONFIRMED and whole")
    rec.add_argument("--wait", type=float, default=DEFAULT_WAIT_SECONDS,
                     help=f"seconds to wait for each rollback (default {DEFAULT_WAIT_SECONDS:.0f})")
    rec.add_argument("--json", action="store_true", help="print the results as JSON")
    rec.set_defaults(run=recover_command)

    fuzz = sub.add_parser("fuzz", help="malformed orders through both workflows (hypothesis)")
    fuzz.add_argument("--endpoint-url", help="a running emulator with the stack, nothing else running on it")
    fuzz.add_argument("--examples", type=int, default=250, help="batches of up to 8 inputs (default 250)")
    fuzz.add_argument("--seed", type=int, help="hypothesis seed (default: derandomized)")
    fuzz.add_argument("--json", type=Path, help="also write the figures to this file")
    fuzz.set_defaults(run=fuzz_command)


# --- faults --------------------------------------------------------------------------------------


def _add_faults(sub: Any) -> None:
    faults = sub.add_parser("faults", help="fault injection in the emulator's Lambda runtime")
    actions = faults.add_subparsers(dest="action", required=True)
    set_ = actions.add_parser("set", help="replace a function's fault policy")
    set_.add_argument("function", help="function name, or its step: process_payment, ProcessPayment, ...")
    set_.add_argument(
        "--fault",
        action="append",
        required=True,
        metavar="KIND[:PROBABILITY]",
        help=f"repeatable; KIND is one of {', '.join(k.value for k in FaultKind)} (probability default 1)",
    )
    set_.add_argument("--seed", type=int, default=0)
    set_.add_argument("--max-count", type=int, help="stop each rule after this many injections")
    set_.add_argument("--error-type", default="InjectedFault", help="fail_before: the error type reported")
    set_.add_argument("--at", help="crash_after/timeout: start, end or call:N (after the handler's N-th AWS call)")
    set_.add_argument("--latency-ms", default="100-1000", help="latency: MIN-MAX in milliseconds")
    set_.add_argument(
        "--latency-at", choices=("start", "init"), default="start",
        help="latency: in the handler's time (start) or before it, like a slow cold start (init)",
    )
    set_.set_defaults(run=faults_set_command)
    list_ = actions.add_parser("list", help="policies and the faults injected so far")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(run=faults_list_command)
    clear = actions.add_parser("clear", help="remove one function's policy, or all")
    clear.add_argument("function", nargs="?")
    clear.set_defaults(run=faults_clear_command)
    for action in (set_, list_, clear):
        action.add_argument("--endpoint-url", default=DEFAULT_EMULATOR_ENDPOINT, help="the emulator (%(default)s)")


def faults_set_command(args: argparse.Namespace) -> int:
    policy = RandomFaults(args.seed, tuple(_fault_rule(spec, args) for spec in args.fault))
    function = resolve_function(clients_for(args.endpoint_url), args.function)
    print(json.dumps(EmulatorControl(args.endpoint_url).set_faults(function, policy), indent=2))
    return 0


def _fault_rule(spec: str, args: argparse.Namespace) -> FaultRule:
    """One --fault KIND[:PROBABILITY], with the options that apply to its kind."""
    name, _, probability = spec.partition(":")
    try:
        kind = FaultKind(name)
    except ValueError:
        raise ValueError(f"unknown fault kind {name!r}; kinds: {', '.join(k.value for k in FaultKind)}") from None
    low, _, high = args.latency_ms.partition("-")
    return FaultRule(
        kind,
        probability=float(probability or 1),
        max_count=args.max_count,
        error_type=args.error_type,
        at=_point_for(kind, args),
        latency_ms=(int(low), int(high or low)),
    )


def _point_for(kind: FaultKind, args: argparse.Namespace) -> str | None:
    if kind is FaultKind.LATENCY:
        return str(args.latency_at)
    return args.at if kind in (FaultKind.CRASH_AFTER, FaultKind.TIMEOUT) else None


def faults_list_command(args: argparse.Namespace) -> int:
    status = EmulatorControl(args.endpoint_url).fault_status()
    if args.json:
        print(json.dumps({"policies": status.policies, "injected": status.injected}, indent=2))
        return 0
    rows = [
        (function, json.dumps(policy["rules"]), policy["seed"]) for function, policy in sorted(status.policies.items())
    ]
    print(render_table(("function", "rules", "seed"), rows) if rows else "no fault policies")
    counts = [(f, kind, n) for f, kinds in sorted(status.injected.items()) for kind, n in sorted(kinds.items())]
    print()
    print(render_table(("function", "fault", "injected"), counts) if counts else "no faults injected yet")
    return 0


def faults_clear_command(args: argparse.Namespace) -> int:
    function = resolve_function(clients_for(args.endpoint_url), args.function) if args.function else None
    EmulatorControl(args.endpoint_url).clear_faults(function)
    print(f"cleared the fault policy of {function}" if function else "cleared every fault policy")
    return 0


def resolve_function(clients: AwsClients, given: str) -> str:
    """A Lambda name as given, or the one function whose name holds it in kebab case (process_payment,
    ProcessPayment and process-payment all find checkout-saga-process-payment-<stack>)."""
    names = [f["FunctionName"] for page in clients.client("lambda").get_paginator("list_functions").paginate()
             for f in page["Functions"]]
    if given in names:
        return given
    kebab = "".join(f"-{c.lower()}" if c.isupper() else c for c in given).replace("_", "-").strip("-")
    matches = [name for name in names if f"-{kebab}-" in f"-{name}-"]
    if len(matches) != 1:
        raise StackNotFound(f"{len(matches)} functions match {given!r}: {', '.join(matches) or 'none'}")
    return matches[0]


# --- check, recover ------------------------------------------------------------------------------


def check_command(args: argparse.Namespace) -> int:
    clients, stack = _stack(args)
    since = datetime.now(UTC) - timedelta(minutes=args.since_minutes) if args.since_minutes else None
    baseline = _read_stock(args.initial_stock) if args.initial_stock else None  # a bad file fails before waiting
    if args.wait:
        arns = args.execution or _running(clients, stack)
        running = wait_until_ended(clients.stepfunctions, stack.checkout_arn, arns, args.wait)
        if running:
            progress(f"{len(running)} executions still running after {args.wait:.0f}s")
    report = run_check(clients, stack, args.execution, since, baseline)
    print(json.dumps(report.to_json(), indent=2) if args.json else render_report(report))
    return 0 if report.ok else 1


def recover_command(args: argparse.Namespace) -> int:
    clients, stack = _stack(args)
    results = recover(clients, stack, discard_confirmed=args.discard_confirmed, wait_seconds=args.wait)
    print(json.dumps([r.to_json() for r in results], indent=2) if args.json else render_recoveries(results))
    return 0 if all(r.recovered for r in results) else 1


def _add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    parser.add_argument("--state-machine-arn", help="the checkout state machine (default: found by name)")


def _stack(args: argparse.Namespace) -> tuple[AwsClients, SagaStack]:
    clients = connect(args, args.state_machine_arn)
    return clients, discover(clients, args.state_machine_arn)


def _running(clients: AwsClients, stack: SagaStack) -> list[str]:
    pages = clients.stepfunctions.get_paginator("list_executions").paginate(
        stateMachineArn=stack.checkout_arn, statusFilter="RUNNING"
    )
    return [e["executionArn"] for page in pages for e in page["executions"]]


def _read_stock(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    try:
        if isinstance(data, list):
            return {str(entry["sku"]): int(entry["stock"]) for entry in data}
        return {str(sku): int(stock) for sku, stock in data.items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ValueError(f"{path}: expected [{{\"sku\": ..., \"stock\": N}}, ...] or {{\"<sku>\": N}}") from None


# --- chaos, fuzz -------------------------------------------------------------------------------------


def chaos_command(args: argparse.Namespace) -> int:
    if not 0.0 <= args.operator_stops <= 1.0:
        raise UserFacingError(f"--operator-stops must be a share between 0 and 1, got {args.operator_stops}")
    settings = ChaosSettings(
        sagas=args.sagas,
        concurrency=args.concurrency,
        seed=args.seed,
        fault_rate=args.fault_rate,
        latency_rate=args.latency_rate,
        redelivery_share=args.redeliveries,
        mid_flight=args.mid_flight,
        recover=not args.no_recover,
        operator_stop_rate=args.operator_stops,
    )
    with _emulator_stack(args.endpoint_url, args.lambda_pool_size, args.retry_max_delay) as (clients, stack, url):
        figures = run_chaos(clients, stack, EmulatorControl(url), settings)
        # Reported before the emulator stops: a slow shutdown on a loaded machine must not lose a long run's figures.
        print(render_chaos(figures), flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures.to_json(), indent=2) + "\n")
    return 0 if figures.violations == 0 else 1


def fuzz_command(args: argparse.Namespace) -> int:
    from sagactl.reliability.fuzz import render_fuzz, run_fuzz  # hypothesis, a development dependency: only here

    with _emulator_stack(args.endpoint_url, 4, "1") as (clients, stack, _):
        figures = run_fuzz(clients, stack, args.examples, args.seed)
    print(render_fuzz(figures))
    if args.json:
        args.json.write_text(json.dumps(figures.to_json(), indent=2) + "\n")
    return 0 if not figures.problems else 1


@contextmanager
def _emulator_stack(
    endpoint_url: str | None, lambda_pool_size: int, retry_max_delay: str
) -> Iterator[tuple[AwsClients, SagaStack, str]]:
    """The stack at ``endpoint_url``, or on a fresh emulator in a process of its own (stopped on exit)."""
    if endpoint_url:
        clients = clients_for(endpoint_url)
        yield clients, discover(clients), endpoint_url
        return
    from devstack.stack import FAST_RETRIES, in_subprocess  # deploying loads the Pulumi SDK: only then

    progress("starting a fresh emulator and deploying the dev stack ...")
    retries = {setting: retry_max_delay for setting in FAST_RETRIES}
    with in_subprocess(config_overrides=retries, lambda_pool_size=lambda_pool_size) as local:
        yield local.clients, discover(local.clients, local.checkout_arn), local.endpoint_url
