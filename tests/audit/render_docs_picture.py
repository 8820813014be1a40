"""Regenerate docs/images/compensated-saga.* : the audit trail of an out-of-stock checkout and its refund.

    venv/bin/python -m tests.audit.render_docs_picture

Runs the real generated saga definition on in-process moto with scripted Lambda outcomes (see
`moto_saga`): the reservation fails once transiently, then for good; the payment is refunded. Prints the
timeline for the docs. The same picture comes from a live stack with
`python -m sagactl trace ord-1002 --endpoint-url http://127.0.0.1:4566 --out docs/images`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sagactl.audit import load_trail, render_timeline, write_pictures
from tests.audit.moto_saga import saga_world
from tests.audit.saga_paths import OUT_OF_STOCK

REPO = Path(__file__).resolve().parents[2]
ORDER = REPO / "examples" / "order-out-of-stock.json"
OUT_DIR = REPO / "docs" / "images"
BASENAME = "compensated-saga"


def main() -> int:
    order = json.loads(ORDER.read_text())
    with saga_world(machine_name="checkout-saga-checkout-dev") as world:
        execution_arn = world.start(order["order_id"], OUT_OF_STOCK.script, order=order)
        world.wait(execution_arn)
        trail = load_trail(world.clients, execution_arn)
    written = [p for p in write_pictures(trail, OUT_DIR, basename=BASENAME) if p.suffix in (".svg", ".png", ".md")]
    # The .dot and .mmd duplicates are not committed: the .md holds the Mermaid text for Markdown.
    for extra in (OUT_DIR / f"{BASENAME}.dot", OUT_DIR / f"{BASENAME}.mmd"):
        extra.unlink(missing_ok=True)
    print(render_timeline(trail))
    print("wrote", *(str(p.relative_to(REPO)) for p in written), file=sys.stderr)
    return 0 if any(p.suffix == ".svg" for p in written) else 1


if __name__ == "__main__":
    sys.exit(main())
