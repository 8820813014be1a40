"""The command line shared by the benchmark modules: stack options, --json, run, print."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from bench.harness import DEFAULT_LAMBDA_POOL_SIZE, DEFAULT_STACK, bench_stack
from bench.report import Result, targets_table, write_json
from sagactl.local_stack import progress


def stop_cleanly_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so that the emulator (and its workers) this run started are stopped."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default=DEFAULT_STACK, help=f"stack to deploy (default {DEFAULT_STACK})")
    parser.add_argument("--lambda-pool-size", type=int, default=DEFAULT_LAMBDA_POOL_SIZE,
                        help=f"warm workers per function (default {DEFAULT_LAMBDA_POOL_SIZE})")
    parser.add_argument("--json", type=Path, help="also write the figures and tables to this JSON file")


def main_for(
    name: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Callable[..., Result],
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}", description=sys.modules["__main__"].__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_stack_arguments(parser)
    add_arguments(parser)
    args = parser.parse_args()
    stop_cleanly_on_sigterm()
    progress(f"bench {name}: starting the emulator and deploying '{args.stack}' ...")
    with bench_stack(args.stack, args.lambda_pool_size) as stack:
        progress(f"bench {name}: running ...")
        result = run(stack, args)
    result.print()
    print(targets_table([result]).text())
    if args.json:
        write_json(args.json, result.to_json())
