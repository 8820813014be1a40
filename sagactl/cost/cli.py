"""``sagactl cost``: the AWS bill per 1M checkouts and per 1M validations, from behaviour measured on the emulator.

    python -m sagactl cost                       measure on a fresh emulator (prod stack), print the bill
    python -m sagactl cost --executions 30       more executions per path (averages are per execution)
    python -m sagactl cost --json out/cost.json  also write the measurement and the bill
    python -m sagactl cost --from-json out/cost.json   re-price a saved measurement (e.g. new prices.json)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sagactl import progress
from sagactl.cost.measure import Measurement, measure
from sagactl.cost.model import MILLION, bill
from sagactl.cost.orders import RunSkus
from sagactl.cost.prices import PRICES_FILE, load_prices
from sagactl.cost.report import cost_tables
from sagactl.text_table import render_table


def add_subcommands(sub: Any) -> None:
    cost = sub.add_parser("cost", help="the AWS bill per 1M checkouts and validations, measured on the emulator",
                          description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cost.add_argument("--stack", default="prod", help="stack to deploy and price (default prod)")
    cost.add_argument("--port", type=int, default=0, help="emulator port (default: a free one)")
    cost.add_argument("--executions", type=int, default=10,
                      help="happy executions measured per design (a third of that for other paths; default 10)")
    cost.add_argument("--prices", type=Path, default=PRICES_FILE, help="price table (default: the one shipped)")
    cost.add_argument("--from-json", type=Path, help="price the measurement saved by --json instead of measuring")
    cost.add_argument("--json", type=Path, help="write the measurement and the bill to this file")
    cost.set_defaults(run=cost_command)


def cost_command(args: argparse.Namespace) -> int:
    prices = load_prices(args.prices)
    if args.from_json:
        measurement = Measurement.from_json(json.loads(args.from_json.read_text())["measurement"])
    else:
        measurement = measure_on_emulator(args.stack, args.port, args.executions)
    for table in cost_tables(measurement, prices):
        notes = "".join(f"\n  {note}" for note in table.notes)
        print(f"{table.title}\n{render_table(table.headers, table.rows)}{notes}\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        bills = {key: bill(b, prices, MILLION).to_json() for key, b in measurement.behaviours.items()}
        payload = {"measurement": measurement.to_json(), "bills_per_million": bills,
                   "prices": {"region": prices.region, "compiled": prices.compiled, "sources": prices.sources}}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


def measure_on_emulator(stack_name: str, port: int, executions: int) -> Measurement:
    from devstack.stack import in_process  # deploying loads the Pulumi SDK: only when measuring

    with in_process(port, stack_name, progress=progress) as stack:
        return measure(stack, RunSkus.stocked_on(stack), executions, progress)
