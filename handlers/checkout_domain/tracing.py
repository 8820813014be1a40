"""What the handlers' Tracer instruments: the AWS SDK (botocore), and nothing else.

Left to itself, powertools' Tracer patches every library the X-Ray SDK supports (requests, httplib, sqlite3,
aiohttp, pynamodb, ...), importing each one that is installed: ~15-20 ms of every cold start here, for libraries
the handlers never call. Their only I/O is AWS SDK calls, which the botocore patch traces, one subsegment per
call.
"""

from __future__ import annotations

TRACED_MODULES: tuple[str, ...] = ("botocore",)
