"""ValidateOrder (Express workflow): the raw order -> the normalized order, or InvalidOrderException.

No side effects: this runs for every checkout attempt, so it stays cheap. Its one AWS call is sealing a
plaintext payment token, and only where the stack accepts those (dev); a sealed token is passed on as is.
"""

from __future__ import annotations

from typing import Any

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain.errors import InvalidOrderException
from checkout_domain.order_input import OrderInput
from checkout_domain.payment_token_seal import seal
from checkout_domain.settings import accept_plaintext_payment_tokens
from checkout_domain.tracing import TRACED_MODULES
from checkout_domain.validation import parse_order_input

# Snapshot-safe for SnapStart (configuration only, nothing per environment): see checkout_domain/__init__.py.
logger = Logger()
# Its only AWS calls are the KMS calls that seal a plaintext token, which only a stack accepting plaintext
# tokens makes: elsewhere there is nothing to trace, and patching botocore would only cost its import.
tracer = Tracer(patch_modules=TRACED_MODULES if accept_plaintext_payment_tokens() else ())
metrics = Metrics()

PLAINTEXT_REJECTED = "must be sealed with the stack's payment-token key: plaintext tokens are not accepted"


# log_event=False and capture_response=False: the event may carry a plaintext payment token, and neither it nor
# the sealed one may reach the logs or X-Ray (whatever POWERTOOLS_LOGGER_LOG_EVENT says).
@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        order_input = parse_order_input(event)
        sealed_payment_token = sealed_token_of(order_input)
    except InvalidOrderException as exc:
        metrics.add_metric(name="OrderRejected", unit=MetricUnit.Count, value=1)
        logger.info("Order rejected", extra={"errors": exc.errors})
        raise
    order = order_input.normalized(sealed_payment_token)
    metrics.add_metric(name="OrderValidated", unit=MetricUnit.Count, value=1)
    logger.info("Order validated", extra=order.log_fields())
    return order.to_json()


def sealed_token_of(order_input: OrderInput) -> str:
    if order_input.payment_token_is_sealed:
        return order_input.payment_token
    if not accept_plaintext_payment_tokens():
        raise InvalidOrderException([{"field": "payment_token", "message": PLAINTEXT_REJECTED}])
    metrics.add_metric(name="PlaintextPaymentTokenSealed", unit=MetricUnit.Count, value=1)
    return seal(order_input.payment_token, order_input.order_id)


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
