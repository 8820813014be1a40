"""sagactl — run and inspect the checkout saga.

python -m sagactl serve   start the emulator, deploy the stack, print ready-to-paste AWS CLI commands
python -m sagactl demo    start, deploy, run every saga scenario, print a summary; exit 1 on a wrong outcome
python -m sagactl executions        recent executions: status (and error), start, duration (AWS, or --endpoint-url)
python -m sagactl trace <ARN|name>  the audit trail of one execution: timeline, picture (SVG/PNG/Mermaid), --json
python -m sagactl faults set|list|clear  fault injection in the emulator's Lambda runtime
python -m sagactl check     the saga's invariants over executions, ledger, stock, orders and dead letters
python -m sagactl chaos     concurrent sagas under random faults, then the check (--sagas 1000 --seed 7)
python -m sagactl recover   re-run pending compensations of escalated sagas from the dead-letter queue
python -m sagactl fuzz      malformed orders through both workflows (hypothesis)
python -m sagactl cost      the AWS bill per 1M checkouts and per 1M validations, measured on the emulator
python -m sagactl http METHOD URL [--data @file]  a SigV4-signed request to the checkout API
python -m sagactl rollout   move the live alias to the newest saga version in steps, rolling back by itself

With --endpoint-url (the emulator), every command defaults to the emulator's region and credentials.
A problem the user can fix is answered in one line on stderr (sagactl: ...) with exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from sagactl.api import cli as api_cli
from sagactl.audit import cli as audit_cli
from sagactl.cost import cli as cost_cli
from sagactl.errors import EXIT_USER_ERROR, user_message
from sagactl.local import cli as local_cli
from sagactl.reliability import cli as reliability_cli
from sagactl.rollout import cli as rollout_cli

EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sagactl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for package in (local_cli, audit_cli, reliability_cli, cost_cli, api_cli, rollout_cli):
        package.add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:
        message = user_message(error)
        if message is None:
            raise  # a bug: its traceback is the report
        print(f"sagactl: {message}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
