"""Checkout saga domain: order models, the order/payment/inventory stores and the errors the state machine
catches by name.

Nothing but logging is imported here on purpose: validate_order (the high-volume Express step) imports only the
models and validation modules, so its cold start never pays for boto3 or the idempotency store; and only
validate_order's front door (order_input, validation) imports pydantic, so the steps' cold starts never pay for it.

Snapshot safety (prod runs the handlers with Lambda SnapStart: one initialized environment is snapshotted per
published version and every cold start resumes a copy of it). What the handlers create at import holds nothing
that must differ between copies or that a copy cannot reuse:
- powertools' Logger, Tracer and Metrics: configuration only; the cold-start flag, request ids, trace ids and the
  metric set are per invocation. On Lambda the X-Ray SDK samples by the invocation's trace header, so it makes
  no sampling client or client id at import.
- the DynamoDB client (`dynamodb.client()`, made at import for the idempotency store): no connection is opened
  before the first request, so none is frozen into the snapshot; its credentials come from the provider chain,
  which on a SnapStart function is Lambda's container-credentials endpoint and refreshes after a restore.
- every unique value (payment, reservation and confirmation ids) is drawn per call from os.urandom (uuid4), never
  at import; the payment-token Encryption SDK objects (with their data-key cache) are made on first use.
- the garbage collector, paused for the import (`init_phase.py`), is running again before the snapshot is taken.
So no after-restore hook is needed; anything added at import must keep to these rules or register one
(`snapshot_restore_py.register_after_restore`, part of Lambda's Python runtime).
"""

import logging as _logging

# With Lambda's JSON log format the runtime sets the root logger to the function's application log level: at DEBUG
# (dev) the AWS SDK would log every request it signs and sends, bodies included. The handlers' own loggers keep the
# configured level; the SDK's stop at INFO.
for _sdk_logger in ("boto3", "botocore", "urllib3"):
    _logging.getLogger(_sdk_logger).setLevel(_logging.INFO)
