"""sagactl rollout: shift the checkout saga's `live` alias to its newest version step by step.

At each step the newest version takes that share of new executions; after the watch, the technical-failure rate
of its ended executions decides: above the threshold the alias goes back to the previous version, by itself.
Business outcomes (invalid order, declined card, out of stock) are not failures. Every step is printed.

A step is judged once the watch is over and at least --min-executions of the newest version have ended; with
little traffic it waits for them up to --max-watch-seconds, then stops where it is.

    python -m sagactl rollout [--alias-arn ARN] [--steps 10,50,100] [--watch-seconds 60] [--max-failure-rate 0.05]
"""

from __future__ import annotations

import argparse
from typing import Any

from components.alias_routing import LIVE_ALIAS
from sagactl.connection import add_connection_arguments, connect
from sagactl.discovery import find_state_machine
from sagactl.rollout.steps import RolloutSettings, roll_out


def add_subcommands(sub: Any) -> None:
    rollout = sub.add_parser("rollout", help="move the live alias to the newest saga version in steps; auto-rollback",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_connection_arguments(rollout)
    rollout.add_argument("--alias-arn", help=f"the alias (default: the checkout saga's '{LIVE_ALIAS}')")
    rollout.add_argument("--steps", default="10,50,100",
                         help="weights of the newest version, in %% (default 10,50,100)")
    rollout.add_argument("--watch-seconds", type=float, default=60.0, help="watch after each step (default 60)")
    rollout.add_argument("--max-failure-rate", type=float, default=0.05,
                         help="roll back above this technical-failure rate (default 0.05)")
    rollout.add_argument("--min-executions", type=int, default=5,
                         help="ended executions of the newest version needed to judge a step (default 5)")
    rollout.add_argument("--max-watch-seconds", type=float,
                         help="wait this long at most for --min-executions to end (default: the watch)")
    rollout.set_defaults(run=rollout_command)


def rollout_command(args: argparse.Namespace) -> int:
    try:
        steps = tuple(int(step) for step in args.steps.split(","))
    except ValueError:
        raise ValueError(f"--steps must be whole percentages separated by commas, got {args.steps!r}") from None
    settings = RolloutSettings(steps=steps, watch_seconds=args.watch_seconds, max_failure_rate=args.max_failure_rate,
                               min_executions=args.min_executions, max_watch_seconds=args.max_watch_seconds)
    sfn = connect(args, args.alias_arn).stepfunctions
    alias_arn = args.alias_arn or f"{find_state_machine(sfn, 'checkout')}:{LIVE_ALIAS}"
    return 0 if roll_out(sfn, alias_arn, settings, lambda line: print(line, flush=True)) else 1
