"""ReserveInventory: take every line of the order out of stock atomically, or fail naming the short SKUs."""

from __future__ import annotations

from typing import Any

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain import inventory
from checkout_domain.errors import InventoryDepletedException
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.steps import ReservationResult, ReservedItem, StepRequest
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
    request = StepRequest.from_event(event)
    with infrastructure_errors_as_transient():
        result: ReservationResult = reserve_order(order=request.order)
    return result.to_json()


@idempotent_function(
    data_keyword_argument="order",
    config=idempotency_config,
    persistence_store=persistence_layer,
    output_serializer=stored_as_json(ReservationResult),
    key_prefix="ReserveInventory",
)
def reserve_order(order: Order) -> ReservationResult:
    try:
        reservation = inventory.reserve(order)
    except InventoryDepletedException as depleted:
        metrics.add_metric(name="InventoryDepleted", unit=MetricUnit.Count, value=1)
        logger.info("Inventory depleted", extra={"order_id": order.order_id, "skus": depleted.skus})
        raise
    metrics.add_metric(name="InventoryReserved", unit=MetricUnit.Count, value=1)
    logger.info("Inventory reserved", extra={"order_id": order.order_id, "reservation_id": reservation.reservation_id})
    return ReservationResult(
        reservation_id=reservation.reservation_id,
        items=tuple(ReservedItem(sku=line.sku, quantity=line.quantity) for line in reservation.items),
    )


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
