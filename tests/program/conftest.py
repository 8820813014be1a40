"""The program's declared resources come from tests/conftest.py (`declared_stack`, `declared_stacks`,
`declare_stack`). This adds what test_least_privilege needs to run the handlers in-process against moto.

moto is imported before any handler module: moto hooks botocore when imported, so every boto3 client created
afterwards, including the idempotency store's client built at import, can be intercepted. And the handler modules
read a few variables when imported (the Logger/Metrics/Tracer and the idempotency store are module globals, as in
Lambda), i.e. before any fixture runs: set here, never overriding a caller's choice. Each handler then runs with
its declared function's own environment (test_least_privilege's `stack_in_moto`).
"""

from __future__ import annotations

import os

import moto  # noqa: F401  (imported for its side effect, see above)

for name, value in {
    "AWS_DEFAULT_REGION": "eu-west-1",
    "IDEMPOTENCY_TABLE_NAME": "idempotency",  # the store is pointed at the declared table by the fixture
    "POWERTOOLS_SERVICE_NAME": "checkout",
    "POWERTOOLS_METRICS_NAMESPACE": "CheckoutSaga",
    "POWERTOOLS_TRACE_DISABLED": "1",
}.items():
    os.environ.setdefault(name, value)
