"""RefundPayment (compensation of ProcessPayment): refund the order's charge exactly once, mark it FAILED.

The charge is found by order id, not through `results.ProcessPayment`, so this also refunds a charge whose
step failed with an unknown outcome. The order is marked FAILED before any money moves: that refuses to
refund an order that was already CONFIRMED, and stops a later confirmation. With no charge, the ledger is
left untouched; the order is still marked FAILED, recorded FAILED if ProcessPayment has not recorded it yet: a
ProcessPayment that runs later (a redelivery) then refuses to charge.

"No charge" is final only once no ProcessPayment run can still make one: one that outlived its task may be
charging right now, and could die before it notices the FAILED order and refunds itself. Until the deadline the
order records for it (its Lambda timeout), this raises TransientError, and the saga's Retry comes back.
"""

from __future__ import annotations

from typing import Any

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain import orders
from checkout_domain.errors import TransientError
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.payment_ledger import default_payment_provider
from checkout_domain.payments import refund_idempotency_key
from checkout_domain.steps import RefundResult, StepRequest
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
        result: RefundResult = refund_order(order=request.order)
    return result.to_json()


@idempotent_function(
    data_keyword_argument="order",
    config=idempotency_config,
    persistence_store=persistence_layer,
    output_serializer=stored_as_json(RefundResult),
    key_prefix="RefundPayment",
)
def refund_order(order: Order) -> RefundResult:
    metrics.add_metric(name="CompensationRun", unit=MetricUnit.Count, value=1)
    charging_until_ms = orders.mark_failed(order.order_id, reason="saga compensated: payment refunded")
    provider = default_payment_provider()
    charge = provider.find_charge(order_id=order.order_id)
    if charge is None:
        if orders.charge_may_still_land(charging_until_ms):
            metrics.add_metric(name="RefundWaitingForCharge", unit=MetricUnit.Count, value=1)
            raise TransientError(f"Order {order.order_id}: a ProcessPayment run may still charge it; no charge yet")
        logger.info("No charge to refund", extra={"order_id": order.order_id})
        return RefundResult(status="NOTHING_TO_REFUND")
    # Always the full charge under the order's one refund key: a repeat finds its own refund and returns it.
    refund = provider.refund(
        charge=charge, amount_minor=charge.amount_minor, idempotency_key=refund_idempotency_key(order.order_id)
    )
    metrics.add_metric(name="PaymentRefunded", unit=MetricUnit.Count, value=1)
    logger.info("Payment refunded", extra={"order_id": order.order_id, "refund_id": refund.refund_id})
    return RefundResult(status="REFUNDED", refund_id=refund.refund_id, amount_minor=refund.amount_minor)


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
