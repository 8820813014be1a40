"""ValidateOrder (Express workflow): the raw order -> the normalized order, or InvalidOrderException.

No AWS calls and no side effects: this runs for every checkout attempt, so it stays cheap.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain.errors import InvalidOrderException
from checkout_domain.validation import parse_order_input

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# log_event=False and capture_response=False: the event and the normalized order carry the payment token,
# and must reach neither the logs nor X-Ray (whatever POWERTOOLS_LOGGER_LOG_EVENT says).
@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        order = parse_order_input(event)
    except InvalidOrderException as exc:
        metrics.add_metric(name="OrderRejected", unit=MetricUnit.Count, value=1)
        logger.info("Order rejected", extra={"errors": exc.errors})
        raise
    metrics.add_metric(name="OrderValidated", unit=MetricUnit.Count, value=1)
    logger.info("Order validated", extra=order.log_fields())
    return order.model_dump(mode="json")
