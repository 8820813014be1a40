"""sagactl's reliability commands: faults, check, chaos, recover, fuzz (see docs/reliability.md).

  sagactl faults set <function> --fault KIND[:PROBABILITY] ... [--seed N]   inject faults (emulator only)
  sagactl faults list | clear [<function>]
  sagactl check      the saga's invariants over executions, tables and dead-letter queue (AWS or emulator)
  sagactl chaos      N concurrent sagas with random faults everywhere, then the check (fresh emulator by default)
  sagactl recover    re-run the pending compensations of escalated sagas from the dead-letter queue
  sagactl fuzz       malformed orders through both workflows: clean refusals, no side effects
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.lambda_runtime.faults import FaultKind, FaultRule, FaultSpecError, RandomFaults
from sagactl.aws_clients import AwsClients
from sagactl.chaos import ChaosFigures, ChaosSettings, run_chaos
from sagactl.check_run import render_report, run_check
from sagactl.execution_records import wait_until_terminal
from sagactl.fault_control import FaultControl, FaultControlError
from sagactl.recovery import RecoveryResult, recover
from sagactl.saga_stack import SagaStack, StackNotFound, discover
from sagactl.text_table import render_table

if TYPE_CHECKING:  # sagactl.fuzz imports hypothesis, a development dependency: only `fuzz` loads it
    from sagactl.fuzz import FuzzFigures

EMULATOR_REGION = "eu-west-1"
DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
FAST_RETRIES_KEY = "checkout-saga:retryMaxDelaySeconds"


def add_subcommands(sub: Any) -> None:
    """Adds faults, check, chaos, recover and fuzz to sagactl's subparsers."""
    _add_faults(sub)
    check = sub.add_parser("check", help="check the saga's invariants (executions, ledger, stock, orders, DLQ)")
    _add_connection(check)
    check.add_argument("--execution", action="append", help="check only this execution ARN (repeatable)")
    check.add_argument("--since-minutes", type=float, help="only executions started, and effects made, since then")
    check.add_argument("--initial-stock", type=Path, help="stock before the run: [{sku, stock}] or {sku: stock}")
    check.add_argument("--wait", type=float, default=0.0, help="first wait up to this many seconds for running ones")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(run=_handling_errors(check_command))

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
    chaos.add_argument("--lambda-pool-size", type=int, default=4, help="fresh emulator: workers per function")
    chaos.add_argument("--retry-max-delay", default="1", help="fresh emulator: retryMaxDelaySeconds (default 1)")
    chaos.add_argument("--json", type=Path, help="also write the figures to this file")
    chaos.set_defaults(run=_handling_errors(chaos_command))

    rec = sub.add_parser("recover", help="re-run pending compensations from the dead-letter queue")
    _add_connection(rec)
    rec.add_argument("--discard-confirmed", action="store_true", help="drop messages of orders CONFIRMED and whole")
    rec.add_argument("--json", action="store_true", help="print the results as JSON")
    rec.set_defaults(run=_handling_errors(recover_command))

    fuzz = sub.add_parser("fuzz", help="malformed orders through both workflows (hypothesis)")
    fuzz.add_argument("--endpoint-url", help="a running emulator with the stack, nothing else running on it")
    fuzz.add_argument("--examples", type=int, default=250, help="batches of up to 8 inputs (default 250)")
    fuzz.add_argument("--seed", type=int, help="hypothesis seed (default: derandomized)")
    fuzz.add_argument("--json", type=Path, help="also write the figures to this file")
    fuzz.set_defaults(run=_handling_errors(fuzz_command))


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
    set_.add_argument("--endpoint-url", default=DEFAULT_ENDPOINT)
    set_.set_defaults(run=_handling_errors(faults_set_command))
    list_ = actions.add_parser("list", help="policies and the faults injected so far")
    list_.add_argument("--endpoint-url", default=DEFAULT_ENDPOINT)
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(run=_handling_errors(faults_list_command))
    clear = actions.add_parser("clear", help="remove one function's policy, or all")
    clear.add_argument("function", nargs="?")
    clear.add_argument("--endpoint-url", default=DEFAULT_ENDPOINT)
    clear.set_defaults(run=_handling_errors(faults_clear_command))


def faults_set_command(args: argparse.Namespace) -> int:
    low, _, high = args.latency_ms.partition("-")
    rules = []
    for spec in args.fault:
        kind, _, probability = spec.partition(":")
        rules.append(
            FaultRule(
                FaultKind(kind),
                probability=float(probability or 1),
                max_count=args.max_count,
                error_type=args.error_type,
                at=_point_for(FaultKind(kind), args),
                latency_ms=(int(low), int(high or low)),
            )
        )
    function = resolve_function(_emulator_clients(args.endpoint_url), args.function)
    answer = FaultControl(args.endpoint_url).set(function, RandomFaults(args.seed, tuple(rules)))
    print(json.dumps(answer, indent=2))
    return 0


def _point_for(kind: FaultKind, args: argparse.Namespace) -> str | None:
    if kind is FaultKind.LATENCY:
        return str(args.latency_at)
    return args.at if kind in (FaultKind.CRASH_AFTER, FaultKind.TIMEOUT) else None


def faults_list_command(args: argparse.Namespace) -> int:
    status = FaultControl(args.endpoint_url).status()
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
    function = resolve_function(_emulator_clients(args.endpoint_url), args.function) if args.function else None
    FaultControl(args.endpoint_url).clear(function)
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
    if args.wait:
        arns = args.execution or None
        running = wait_until_terminal(clients.stepfunctions, stack.checkout_arn, arns or _all_running(clients, stack),
                                      args.wait)
        if running:
            print(f"{len(running)} executions still running after {args.wait:.0f}s", file=sys.stderr)
    baseline = _read_stock(args.initial_stock) if args.initial_stock else None
    report = run_check(clients, stack, args.execution, since, baseline)
    print(json.dumps(report.to_json(), indent=2) if args.json else render_report(report))
    return 0 if report.ok else 1


def recover_command(args: argparse.Namespace) -> int:
    clients, stack = _stack(args)
    results = recover(clients, stack, discard_confirmed=args.discard_confirmed)
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2))
    else:
        print(_render_recoveries(results))
    return 0 if all(r.recovered for r in results) else 1


# --- chaos, fuzz -------------------------------------------------------------------------------------


def chaos_command(args: argparse.Namespace) -> int:
    settings = ChaosSettings(
        sagas=args.sagas,
        concurrency=args.concurrency,
        seed=args.seed,
        fault_rate=args.fault_rate,
        latency_rate=args.latency_rate,
        redelivery_share=args.redeliveries,
        mid_flight=args.mid_flight,
        recover=not args.no_recover,
    )
    with _emulator_stack(args.endpoint_url, args.lambda_pool_size, args.retry_max_delay) as (clients, stack, url):
        figures = run_chaos(clients, stack, FaultControl(url), settings)
    print(render_chaos(figures))
    if args.json:
        args.json.write_text(json.dumps(figures.to_json(), indent=2) + "\n")
    return 0 if figures.violations == 0 else 1


def fuzz_command(args: argparse.Namespace) -> int:
    from sagactl.fuzz import run_fuzz

    with _emulator_stack(args.endpoint_url, 4, "1") as (clients, stack, _):
        figures = run_fuzz(clients, stack, args.examples, args.seed)
    print(render_fuzz(figures))
    if args.json:
        args.json.write_text(json.dumps(figures.to_json(), indent=2) + "\n")
    return 0 if not figures.problems else 1


def render_chaos(figures: ChaosFigures) -> str:
    s = figures.settings
    rows: list[tuple[str, object]] = [
        ("orders (first deliveries)", s.sagas),
        ("  by kind", _pairs(figures.orders_by_kind)),
        ("redeliveries sent", figures.redeliveries),
        ("  same name while running (same execution)", figures.redeliveries_deduplicated),
        ("  same name after the end (ExecutionAlreadyExists)", figures.redeliveries_rejected),
        ("executions", figures.executions),
        ("  by outcome", _pairs(figures.outcomes)),
        ("Lambda invocations", figures.lambda_invocations),
        ("faults injected", sum(figures.faults_injected.values())),
        ("  by kind", _pairs(figures.faults_injected)),
        ("retries (invocations beyond the first per state)", figures.retries),
        ("executions that compensated", figures.compensated),
        ("escalations (dead letters)", figures.check.dead_letters if figures.check else 0),
        ("  recovered", sum(r.recovered for r in figures.recoveries)),
        ("duration of the run", f"{figures.duration_s:.0f}s"),
    ]
    lines = [
        f"chaos run {figures.run_id}: seed {s.seed}, fault rate {s.fault_rate}, latency rate {s.latency_rate}, "
        f"concurrency {s.concurrency}, redeliveries {s.redelivery_share}, mid-flight kills {s.mid_flight}",
        render_table(("figure", "value"), rows),
        "",
    ]
    if figures.check:
        lines += ["invariant check after the run:", render_report(figures.check), ""]
    if figures.recoveries:
        lines += [_render_recoveries(figures.recoveries), ""]
    if figures.check_after_recovery:
        lines += ["invariant check after recovery:", render_report(figures.check_after_recovery)]
    return "\n".join(lines)


def render_fuzz(figures: FuzzFigures) -> str:
    rows = [
        ("inputs fuzzed", figures.inputs),
        ("refused by Express validation (OrderInvalid)", figures.express_refused),
        ("refused by the Standard saga (OrderInvalid)", figures.standard_refused),
        ("API refusals of oversized inputs (ValidationException, one per workflow)", figures.oversized_refused_at_api),
        ("problems", len(figures.problems)),
        ("duration", f"{figures.duration_s:.0f}s"),
    ]
    text = render_table(("figure", "value"), rows)
    return text + "".join(f"\nPROBLEM {p}" for p in figures.problems[:50])


def _render_recoveries(results: list[RecoveryResult]) -> str:
    if not results:
        return "the dead-letter queue is empty: nothing to recover"
    rows = [
        (r.order_id or "-", ",".join(r.compensations), "recovered" if r.recovered else "KEPT", r.detail)
        for r in results
    ]
    return render_table(("order", "pending", "result", "detail"), rows)


# --- plumbing -----------------------------------------------------------------------------------------


def _add_connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="the emulator's URL (e.g. http://127.0.0.1:4566); omit for AWS")
    parser.add_argument("--region", help="AWS region (default: eu-west-1 on the emulator, else your AWS config)")
    parser.add_argument("--state-machine-arn", help="the checkout state machine (default: found by name)")


def _stack(args: argparse.Namespace) -> tuple[AwsClients, SagaStack]:
    region = args.region or (EMULATOR_REGION if args.endpoint_url else None)
    clients = AwsClients(region=region, endpoint_url=args.endpoint_url)
    return clients, discover(clients, args.state_machine_arn)


def _emulator_clients(endpoint_url: str) -> AwsClients:
    return AwsClients(region=EMULATOR_REGION, endpoint_url=endpoint_url)


@contextmanager
def _emulator_stack(
    endpoint_url: str | None, lambda_pool_size: int, retry_max_delay: str
) -> Iterator[tuple[AwsClients, SagaStack, str]]:
    if endpoint_url:
        clients = _emulator_clients(endpoint_url)
        yield clients, discover(clients), endpoint_url
        return
    from sagactl.emulator_process import deployed_stack  # deploying needs the Pulumi SDK: only then

    print("starting a fresh emulator and deploying the dev stack ...", file=sys.stderr, flush=True)
    with deployed_stack(config_overrides={FAST_RETRIES_KEY: retry_max_delay}, lambda_pool_size=lambda_pool_size) as run:
        yield run.clients, run.stack, run.endpoint_url


def _all_running(clients: AwsClients, stack: SagaStack) -> list[str]:
    pages = clients.stepfunctions.get_paginator("list_executions").paginate(
        stateMachineArn=stack.checkout_arn, statusFilter="RUNNING"
    )
    return [e["executionArn"] for page in pages for e in page["executions"]]


def _read_stock(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    if isinstance(data, list):
        return {str(entry["sku"]): int(entry["stock"]) for entry in data}
    return {str(sku): int(stock) for sku, stock in data.items()}


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "-"


def _handling_errors(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (FaultControlError, FaultSpecError, StackNotFound, ValueError) as error:
            print(f"sagactl: {error}", file=sys.stderr)
            return 2

    return run
