"""Regenerate docs/images/compensated-saga.* : the audit trail of an out-of-stock checkout and its refund.

    venv/bin/python -m tests.sagactl.audit.render_docs_picture [--out DIR]

A script run by hand, not a test (no test imports it). It starts the emulator in this process, deploys the dev
stack, checks out examples/order-out-of-stock.json with the real handlers (the reservation fails, the payment
is refunded), and draws its trail: what `sagactl serve`, then `sagactl trace ord-1002 --out docs/images`
would give, under the docs' file names. Prints the timeline for the docs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devstack.orders import example_order
from devstack.stack import in_process
from sagactl import progress
from sagactl.audit import load_trail, render_timeline, write_pictures

REPO = Path(__file__).resolve().parents[3]
BASENAME = "compensated-saga"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images", help="default: docs/images")
    out_dir = parser.parse_args(argv).out
    with in_process(port=0, progress=progress) as stack:
        result = stack.checkout(example_order("out-of-stock"))
        trail = load_trail(stack.clients, result.arn)
    written = [p for p in write_pictures(trail, out_dir, basename=BASENAME) if p.suffix in (".svg", ".png", ".md")]
    # The .dot and .mmd duplicates are not committed: the .md holds the Mermaid text for Markdown.
    for extra in (out_dir / f"{BASENAME}.dot", out_dir / f"{BASENAME}.mmd"):
        extra.unlink(missing_ok=True)
    print(render_timeline(trail))
    progress("wrote " + " ".join(str(p) for p in written))
    return 0 if any(p.suffix == ".svg" for p in written) else 1


if __name__ == "__main__":
    sys.exit(main())
