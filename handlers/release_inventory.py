"""ReleaseInventory (compensation of ReserveInventory): put the reserved stock back, exactly once.

The reservation is found by order id, not through `results.ReserveInventory`, so this also undoes a
reservation whose step failed with an unknown outcome (e.g. timed out after writing).

The order is marked FAILED *before* any stock moves, by a conditional write on its status: a CONFIRMED order
(confirmed by another delivery of the same order, or by a pivot attempt whose answer was lost) raises
OrderStateConflictException instead, so a rollback can never put a confirmed order's stock back on sale; and
once FAILED, ConfirmOrder's own condition refuses the order, so the two cannot both win.

With nothing reserved, the release records a reservation holding nothing (inventory.release), so that a
ReserveInventory that runs later for this order (a redelivery) refuses instead of holding stock for good.
"""

from __future__ import annotations

from typing import Any

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain import inventory, orders
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.steps import ReleaseResult, ReservedItem, StepRequest
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
        result: ReleaseResult = release_order(order=request.order)
    return result.to_json()


@idempotent_function(
    data_keyword_argument="order",
    config=idempotency_config,
    persistence_store=persistence_layer,
    output_serializer=stored_as_json(ReleaseResult),
    key_prefix="ReleaseInventory",
)
def release_order(order: Order) -> ReleaseResult:
    metrics.add_metric(name="CompensationRun", unit=MetricUnit.Count, value=1)
    orders.mark_failed(order.order_id, reason="rolled back: inventory released")
    reservation = inventory.release(order.order_id)
    if reservation is None:
        logger.info("No reservation to release", extra={"order_id": order.order_id})
        return ReleaseResult(status="NOTHING_TO_RELEASE")
    metrics.add_metric(name="InventoryReleased", unit=MetricUnit.Count, value=1)
    logger.info("Inventory released", extra={"order_id": order.order_id, "reservation_id": reservation.reservation_id})
    return ReleaseResult(
        status="RELEASED",
        reservation_id=reservation.reservation_id,
        items=tuple(ReservedItem(sku=line.sku, quantity=line.quantity) for line in reservation.items),
    )


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
