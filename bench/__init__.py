"""On-demand benchmarks of the checkout saga on the embedded emulator: never part of the timed test suite.

    python -m bench              all of them on one emulator, tables and targets (bench/__main__.py)
    python -m bench.sagas        latency per saga path, orchestration overhead (target <= 3x), load as information
    python -m bench.express      Express validation latency (validations/s as information)
    python -m bench.idempotency  DynamoDB units per handler call (targets <= 2 WCU first call, <= 1 duplicate)
    python -m bench.cold_start   cold starts, import time above the boto3 floor (target <= 50 ms), archive sizes
    python -m bench.speedups     what each emulator speed-up buys, side by side in alternation

The cost run is ``sagactl cost`` (also part of ``python -m bench``). Each takes --help. The stack is devstack's
LocalStack in an emulator process of its own (bench.harness). See docs/performance.md for the last figures.
"""
