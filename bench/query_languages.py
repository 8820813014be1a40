"""JSONata against JSONPath: the same saga written in each query language (config queryLanguage), side by side.

Paired alternation: every round deploys the stack in JSONata, then right after in JSONPath, each on a fresh
emulator, and runs happy sagas one at a time on it (bench.speedups.one_at_a_time); each figure is the median over
rounds of the paired changes (the machine is shared: single runs move by ±20%), with their range.

    python -m bench.query_languages [--rounds 3] [--sequential 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.cli import stop_cleanly_on_sigterm
from bench.harness import DEFAULT_STACK, bench_run
from bench.report import Table, write_json
from bench.speedups import LAMBDA_POOL_SIZE, METRICS, one_at_a_time, paired_change
from sagactl import progress

BASELINE, OTHER = "JSONata", "JSONPath"


def happy_saga(language: str, sequential: int) -> dict[str, float]:
    overrides = {"checkout-saga:queryLanguage": language}
    with bench_run(DEFAULT_STACK, LAMBDA_POOL_SIZE, config_overrides=overrides) as bench:
        return one_at_a_time(bench, sequential)


def comparison_table(pairs: dict[str, list[tuple[float, float]]]) -> Table:
    row: list[object] = [f"{OTHER} against {BASELINE}"]
    for measured in pairs.values():
        baseline, change, low, high = paired_change(measured)
        row.append(f"{100 * change:+.0f}% [{100 * low:+.0f}% to {100 * high:+.0f}%] of {baseline:.1f}")
    return Table(f"The saga in {OTHER}, paired with the same saga in {BASELINE} (median of rounds [range]) of the "
                 f"median in {BASELINE}", ["definitions", *(METRICS[name] for name in pairs)], [row])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query_languages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=30, help="happy sagas one at a time per measurement")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.sequential < 1:
        parser.error("--rounds and --sequential must be at least 1")
    stop_cleanly_on_sigterm()
    pairs: dict[str, list[tuple[float, float]]] = {}
    for round_number in range(args.rounds):
        progress(f"bench query languages: round {round_number + 1} ...")
        baseline, other = happy_saga(BASELINE, args.sequential), happy_saga(OTHER, args.sequential)
        for name in baseline:
            pairs.setdefault(name, []).append((baseline[name], other[name]))
            progress(f"  {METRICS[name]}: {BASELINE} {baseline[name]:.1f}, {OTHER} {other[name]:.1f}")
    print(comparison_table(pairs).text())
    if args.json:
        write_json(args.json, {"pairs": pairs, "rounds": args.rounds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
