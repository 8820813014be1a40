"""ConfirmOrder (the pivot): mark the order CONFIRMED and return the saga's success output.

Conditional on the order being PENDING (or already CONFIRMED, for a retry): a compensated (FAILED) order
cannot be confirmed.
"""

from __future__ import annotations

from typing import Any

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain import orders
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.steps import ConfirmationResult, ConfirmRequest
from checkout_domain.tracing import TRACED_MODULES
from checkout_domain.transient import infrastructure_errors_as_transient

# Snapshot-safe for SnapStart (configuration only, nothing per environment): see checkout_domain/__init__.py.
logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()


@logger.inject_lambda_context(log_event=False)  # the event carries the payment token
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)  # so a timed-out run does not block retries until expiry
    request = ConfirmRequest.from_event(event)
    with infrastructure_errors_as_transient():
        result: ConfirmationResult = confirm(
            order=request.order,
            payment_id=request.process_payment.payment_id,
            reservation_id=request.reserve_inventory.reservation_id,
        )
    return result.to_json()


@idempotent_function(
    data_keyword_argument="order",
    config=idempotency_config,
    persistence_store=persistence_layer,
    output_serializer=stored_as_json(ConfirmationResult),
    key_prefix="ConfirmOrder",
)
def confirm(order: Order, payment_id: str, reservation_id: str) -> ConfirmationResult:
    confirmation_id = orders.confirm(order.order_id, payment_id=payment_id, reservation_id=reservation_id)
    metrics.add_metric(name="OrderConfirmed", unit=MetricUnit.Count, value=1)
    logger.info("Order confirmed", extra={"order_id": order.order_id, "confirmation_id": confirmation_id})
    return ConfirmationResult(
        order_id=order.order_id,
        confirmation_id=confirmation_id,
        payment_id=payment_id,
        reservation_id=reservation_id,
    )


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
