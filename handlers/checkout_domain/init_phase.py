"""Lambda's init phase (a handler module's import) without the cyclic garbage collector walking it.

An import builds tens of thousands of objects that live as long as the execution environment, and makes almost
no garbage; yet the collector runs dozens of times on the way, each time walking a larger heap: a large share of
every cold start (docs/performance.md). Each handler imports this module before anything else, which pauses the
collector, and calls `done()` once its own module-level objects exist: the collector resumes, and what the import
built is frozen (`gc.freeze`), so no collection during an invocation walks it again. This is what pre-fork servers
do before forking; under SnapStart the snapshot is taken after init, collector running, the import frozen.
"""

import gc

gc.disable()


def done() -> None:
    gc.freeze()
    gc.enable()
