"""sagactl — run and inspect the checkout saga.

python -m sagactl serve   start the emulator, deploy the stack, print ready-to-paste AWS CLI commands
python -m sagactl demo    start, deploy, run every saga scenario, print a summary; exit 1 on a wrong outcome
python -m sagactl executions        recent executions: status, start, duration (AWS, or --endpoint-url)
python -m sagactl trace <ARN|name>  the audit trail of one execution: timeline, picture (SVG/PNG/Mermaid), --json
python -m sagactl faults set|list|clear  fault injection in the emulator's Lambda runtime
python -m sagactl check     the saga's invariants over executions, ledger, stock, orders and dead letters
python -m sagactl chaos     concurrent sagas under random faults, then the check (--sagas 1000 --seed 7)
python -m sagactl recover   re-run pending compensations of escalated sagas from the dead-letter queue
python -m sagactl fuzz      malformed orders through both workflows (hypothesis)
python -m sagactl cost      the AWS bill per 1M checkouts and per 1M validations, measured on the emulator
"""

from __future__ import annotations

import argparse
import sys

from sagactl import commands, reliability_cli
from sagactl.audit import cli as audit_cli
from sagactl.cost import command as cost_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sagactl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the stack on the embedded emulator until Ctrl-C")
    serve.add_argument("--port", type=int, default=4566, help="emulator port on 127.0.0.1 (default 4566)")
    serve.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml to deploy (default dev)")
    serve.set_defaults(run=commands.serve)

    demo = sub.add_parser("demo", help="run every saga scenario on a fresh emulator and summarize")
    demo.add_argument("--port", type=int, default=4566, help="emulator port on 127.0.0.1 (default 4566)")
    demo.add_argument("--stack", default="dev", help="stack to deploy (default dev)")
    demo.add_argument("--burst", type=int, default=200, help="Express validations in the burst (default 200)")
    demo.set_defaults(run=commands.demo)

    executions = sub.add_parser("executions", help="list recent executions of the checkout (or validation) workflow")
    audit_cli.add_executions_arguments(executions)
    executions.set_defaults(run=audit_cli.executions_command)

    trace = sub.add_parser("trace", help="show where an execution succeeded, failed and rolled back")
    audit_cli.add_trace_arguments(trace)
    trace.set_defaults(run=audit_cli.trace_command)

    reliability_cli.add_subcommands(sub)
    cost_command.add_subcommand(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except commands.UserFacingError as error:
        print(f"sagactl: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
