"""The `executions` and `trace` subcommands: argument parsing and output, nothing else.

Both talk to AWS through boto3; `--endpoint-url` points the very same calls at the embedded emulator.
Errors the user can act on are AuditErrors, printed as one line (`sagactl: ...`) with exit code 2 (see
sagactl.errors). `trace` exits 0 whenever it could trace, whatever the execution's own outcome.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from devstack.clients import AwsClients
from sagactl.audit.arns import looks_like_arn
from sagactl.audit.errors import AuditError, ExecutionNotFound
from sagactl.audit.execution_list import ExecutionPage, list_express_executions, list_standard_executions
from sagactl.audit.express_logs import describe_state_machine, logging_of
from sagactl.audit.formatting import duration, timestamp
from sagactl.audit.json_export import trail_to_json
from sagactl.audit.loader import load_trail
from sagactl.audit.pictures import GRAPHVIZ_MISSING, find_dot, write_pictures
from sagactl.audit.render_text import render_timeline
from sagactl.audit.targets import resolve_execution_arn
from sagactl.connection import add_connection_arguments, connect
from sagactl.discovery import WORKFLOW_NAME_PARTS, find_state_machine
from sagactl.text_table import render_table

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
DEFAULT_OUT_DIR = Path("out/traces")
DEFAULT_EXPRESS_WINDOW_MINUTES = 60


def add_subcommands(sub: Any) -> None:
    executions = sub.add_parser("executions", help="list recent executions of the checkout (or validation) workflow")
    add_executions_arguments(executions)
    executions.set_defaults(run=executions_command)

    trace = sub.add_parser("trace", help="show where an execution succeeded, failed and rolled back")
    add_trace_arguments(trace)
    trace.set_defaults(run=trace_command)


def add_executions_arguments(parser: argparse.ArgumentParser) -> None:
    _add_target_arguments(parser)
    parser.add_argument("--status", choices=STATUSES, type=str.upper, help="only executions with this status")
    parser.add_argument("--max-items", type=int, default=20, help="how many to show (default 20; 0 = all, every page)")
    parser.add_argument("--next-token", help="continue after the previous listing (it prints the token)")
    parser.add_argument(
        "--since-minutes",
        type=float,
        default=DEFAULT_EXPRESS_WINDOW_MINUTES,
        help=f"Express only: how far back to search the logs (default {DEFAULT_EXPRESS_WINDOW_MINUTES})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_trace_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("execution", help="an execution ARN (Standard or Express), or a Standard execution's name")
    _add_target_arguments(parser)
    parser.add_argument(
        "--compensations",
        type=lambda text: [name for name in text.split(",") if name.strip()],
        help="comma-separated compensation states, instead of the ones derived from the definition",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help=f"where to write the pictures (default {DEFAULT_OUT_DIR})"
    )
    parser.add_argument(
        "--name", type=_file_stem, help="file name of the pictures, without extension (default: the execution's name)"
    )
    parser.add_argument("--no-pictures", action="store_true", help="skip the SVG/PNG/DOT/Mermaid files")
    parser.add_argument(
        "--since-minutes", type=float, help="Express only: search the logs this far back (default: all of them)"
    )
    parser.add_argument("--json", action="store_true", help="print the trail as JSON instead of the timeline")


def _add_target_arguments(parser: argparse.ArgumentParser) -> None:
    add_connection_arguments(parser)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--state-machine-arn", help="the state machine (instead of --workflow)")
    target.add_argument(
        "--workflow",
        choices=sorted(WORKFLOW_NAME_PARTS),
        default="checkout",
        help="find the stack's state machine by name (default checkout)",
    )


def _state_machine_arn(args: argparse.Namespace, clients: AwsClients) -> str:
    return str(args.state_machine_arn or find_state_machine(clients.stepfunctions, args.workflow))


def _since_ms(minutes: float | None) -> int | None:
    return None if minutes is None else int((time.time() - minutes * 60) * 1000)


def _file_stem(text: str) -> str:
    if not text or "/" in text or text in (".", ".."):
        raise argparse.ArgumentTypeError(f"{text!r} is not a file name (no directories: use --out for those)")
    return text


def executions_command(args: argparse.Namespace) -> int:
    clients = connect(args, args.state_machine_arn)
    machine_arn = _state_machine_arn(args, clients)
    machine = describe_state_machine(clients.stepfunctions, machine_arn)
    max_items = args.max_items if args.max_items > 0 else None
    express = machine.get("type") == "EXPRESS"
    if express:
        if args.next_token:
            raise AuditError("--next-token does not apply to Express executions (they are read from logs)")
        page = list_express_executions(
            clients.client("logs"),
            logging_of(machine).log_group,
            str(machine["name"]),
            since_ms=_since_ms(args.since_minutes) or 0,
            status=args.status,
            max_items=max_items,
        )
    else:
        page = list_standard_executions(
            clients.stepfunctions, machine_arn, status=args.status, max_items=max_items, next_token=args.next_token
        )
    if args.json:
        print(json.dumps(_page_json(machine_arn, page), indent=2))
    else:
        print(_page_text(machine_arn, page, express, args.since_minutes))
    return 0


def _page_text(machine_arn: str, page: ExecutionPage, express: bool, since_minutes: float) -> str:
    headers = ["name", "status", "started", "duration"] + (["execution ARN"] if express else [])
    rows = [
        [e.name, e.status + (f" ({e.error})" if e.error else ""), timestamp(e.started), _took(e.started, e.stopped)]
        + ([e.arn] if express else [])
        for e in page.executions
    ]
    scope = f" (logged in the last {since_minutes:g} min)" if express else ""
    lines = [f"Executions of {machine_arn}{scope}", ""]
    lines.append(render_table(headers, rows) if rows else "(none)")
    if page.next_token:
        lines += ["", f"more: add --next-token {page.next_token}"]
    return "\n".join(lines)


def _took(started: Any, stopped: Any) -> str:
    if started is None:
        return "-"
    if stopped is None:
        return "running"
    return duration((stopped - started).total_seconds())


def _page_json(machine_arn: str, page: ExecutionPage) -> dict[str, Any]:
    return {
        "state_machine_arn": machine_arn,
        "executions": [
            {
                "arn": e.arn,
                "name": e.name,
                "status": e.status,
                "error": e.error,
                "started_at": e.started.isoformat() if e.started else None,
                "stopped_at": e.stopped.isoformat() if e.stopped else None,
                "duration_seconds": e.duration_s,
            }
            for e in page.executions
        ],
        "next_token": page.next_token,
    }


def trace_command(args: argparse.Namespace) -> int:
    target = args.execution
    clients = connect(args, target if looks_like_arn(target) else None, args.state_machine_arn)
    since_ms = _since_ms(args.since_minutes)
    execution_arn = resolve_execution_arn(clients, target, lambda: _state_machine_arn(args, clients), since_ms)
    try:
        trail = load_trail(clients, execution_arn, compensations=args.compensations, since_ms=since_ms)
    except ExecutionNotFound as error:
        if execution_arn == target:
            raise
        raise ExecutionNotFound(f"no execution named '{target}' ({error})") from error
    pictures = [] if args.no_pictures else write_pictures(trail, args.out, basename=args.name)
    if args.json:
        print(json.dumps(trail_to_json(trail, pictures), indent=2))
    else:
        print(render_timeline(trail), end="")
        if pictures:
            print("\nPictures           " + "\n                   ".join(str(p) for p in pictures))
    if pictures and find_dot() is None:
        print(f"sagactl: {GRAPHVIZ_MISSING}", file=sys.stderr)
    return 0
