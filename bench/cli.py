"""The command line every benchmark module shares (``python -m bench.<name>``): stack options, --json, run, print.

Not a benchmark itself: bench.sagas, bench.express, bench.idempotency and bench.cold_start end in ``main_for``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from bench.harness import DEFAULT_LAMBDA_POOL_SIZE, DEFAULT_STACK, BenchRun, bench_run
from bench.report import Result, targets_table, write_json
from sagactl import progress


def stop_cleanly_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so that the emulator (and its workers) this run started are stopped."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default=DEFAULT_STACK, help=f"stack to deploy (default {DEFAULT_STACK})")
    parser.add_argument("--lambda-pool-size", type=int, default=DEFAULT_LAMBDA_POOL_SIZE,
                        help=f"workers per function (default {DEFAULT_LAMBDA_POOL_SIZE}; at least the concurrency)")
    parser.add_argument("--json", type=Path, help="also write the figures and tables to this JSON file")


def main_for(
    name: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Callable[[BenchRun, argparse.Namespace], Result],
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}", description=sys.modules["__main__"].__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stack_arguments(parser)
    add_arguments(parser)
    args = parser.parse_args()
    stop_cleanly_on_sigterm()
    progress(f"bench {name}: starting the emulator and deploying '{args.stack}' ...")
    with bench_run(args.stack, args.lambda_pool_size) as bench:
        progress(f"bench {name}: running ...")
        result = run(bench, args)
    result.print()
    if result.targets:
        print(targets_table([result]).text())
    if args.json:
        write_json(args.json, result.to_json())
