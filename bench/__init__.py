"""On-demand benchmarks of the checkout saga on the embedded emulator (not part of the timed test suite).

``python -m bench`` runs them all on one emulator (same run for every comparison), prints their tables and
the cost model's, and writes JSON; each module also runs alone (``python -m bench.sagas --help``).
See docs/performance.md for what is measured, the targets and the last run's figures.
"""
