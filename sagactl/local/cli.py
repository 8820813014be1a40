"""``sagactl serve`` and ``sagactl demo``: the stack on a fresh emulator in this process."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from devstack.clients import EMULATOR_PORT
from sagactl import progress
from sagactl.text_table import render_table

PORT_HELP = f"emulator port on 127.0.0.1 (default {EMULATOR_PORT})"


def add_subcommands(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the stack on the embedded emulator until Ctrl-C")
    serve.add_argument("--port", type=int, default=EMULATOR_PORT, help=PORT_HELP)
    serve.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml to deploy (default dev)")
    serve.set_defaults(run=serve_command)

    demo = sub.add_parser("demo", help="run every saga scenario on a fresh emulator and summarize")
    demo.add_argument("--port", type=int, default=EMULATOR_PORT, help=PORT_HELP)
    demo.add_argument("--stack", default="dev", help="stack to deploy (default dev)")
    demo.add_argument("--burst", type=int, default=200, help="Express validations in the burst (default 200)")
    demo.set_defaults(run=demo_command)


def serve_command(args: argparse.Namespace) -> int:
    from devstack.stack import in_process
    from sagactl.local.ready_message import ready_message

    # `kill` (SIGTERM) stops as cleanly as Ctrl-C: unwinding the `with` stops the emulator and its workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with in_process(args.port, args.stack, progress=progress) as stack:
        print(ready_message(stack), flush=True)
        progress("serving; press Ctrl-C to stop")
        # Timed waits: a signal delivered to another thread (the server's, moto's) does not wake a main thread
        # blocked for good in a lock, and Ctrl-C would then hang; a wait that wakes up runs the handler.
        stopped = threading.Event()
        while not stopped.wait(0.5):
            pass
    return 0


def demo_command(args: argparse.Namespace) -> int:
    from devstack.stack import in_process
    from sagactl.local.scenarios import run_scenarios

    with in_process(args.port, args.stack, progress=progress) as stack:
        outcomes = run_scenarios(stack, args.burst, progress)
    rows = [(o.scenario, "ok" if o.ok else "WRONG", o.status, o.path, f"{o.duration_s:.2f}s") for o in outcomes]
    print(render_table(("scenario", "check", "status", "path taken", "duration"), rows))
    wrong = [o for o in outcomes if not o.ok]
    for outcome in wrong:
        for problem in outcome.problems:
            print(f"WRONG {outcome.scenario}: {problem}", file=sys.stderr)
    print(f"\n{len(outcomes) - len(wrong)}/{len(outcomes)} scenarios behaved as expected")
    return 1 if wrong else 0
