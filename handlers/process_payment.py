"""ProcessPayment: record the order as PENDING, then charge it through the payment provider.

The order record carries this run's deadline: until then RefundPayment does not take "no charge" for an answer.
The order's status is read again after the charge: if the saga failed meanwhile, the charge is refunded here
at once (see _undo_late_charge).

The only step that unseals the payment token (see payment_token_seal), just before the charge, and keeps it
in a local variable: it is never logged, stored, returned or put in an error. A token that does not unseal
for this order is declined like a card the processor refuses.
"""

from __future__ import annotations

from typing import Any, NoReturn

import checkout_domain.init_phase  # first: pauses the garbage collector for the imports below
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext
from checkout_domain import orders
from checkout_domain.errors import OrderStateConflictException, PaymentDeclinedException
from checkout_domain.idempotency import idempotency_config, persistence_layer, stored_as_json
from checkout_domain.models import Order
from checkout_domain.payment_ledger import default_payment_provider
from checkout_domain.payment_token_seal import UnreadablePaymentToken, unseal
from checkout_domain.payments import (
    CardDeclined,
    Charge,
    PaymentProvider,
    charge_idempotency_key,
    refund_idempotency_key,
)
from checkout_domain.steps import PaymentResult, StepRequest
from checkout_domain.tracing import TRACED_MODULES
from checkout_domain.transient import infrastructure_errors_as_transient

# Snapshot-safe for SnapStart (configuration only, nothing per environment): see checkout_domain/__init__.py.
logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()

# The decline code of a token that does not unseal for its order (tampered with, or sealed for another).
INVALID_PAYMENT_TOKEN = "invalid_payment_token"


@logger.inject_lambda_context(log_event=False)  # the event carries the payment token
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)  # so a timed-out run does not block retries until expiry
    request = StepRequest.from_event(event)
    charging_until_ms = orders.now_ms() + int(context.get_remaining_time_in_millis())  # then Lambda stops this run
    with infrastructure_errors_as_transient():
        result: PaymentResult = charge_order(order=request.order, charging_until_ms=charging_until_ms)
    return result.to_json()


@idempotent_function(
    data_keyword_argument="order",
    config=idempotency_config,
    persistence_store=persistence_layer,
    output_serializer=stored_as_json(PaymentResult),
    key_prefix="ProcessPayment",
)
def charge_order(order: Order, charging_until_ms: int) -> PaymentResult:
    if orders.record_pending(order, charging_until_ms) is orders.OrderStatus.FAILED:
        # The saga already failed (and may have refunded): charging now would take money for nothing.
        raise OrderStateConflictException(order.order_id, orders.OrderStatus.FAILED, "charge the order")
    provider = default_payment_provider()
    try:
        charge = provider.charge(
            idempotency_key=charge_idempotency_key(order.order_id),
            order_id=order.order_id,
            amount_minor=order.total_minor,
            currency=order.currency,
            payment_token=_unsealed_token(order),
        )
    except CardDeclined as declined:
        orders.mark_failed(order.order_id, reason=f"payment declined: {declined.decline_code}")
        metrics.add_metric(name="PaymentDeclined", unit=MetricUnit.Count, value=1)
        logger.info("Payment declined", extra={"order_id": order.order_id, "decline_code": declined.decline_code})
        raise PaymentDeclinedException(order.order_id, declined.decline_code) from None
    if orders.status_of(order.order_id) is orders.OrderStatus.FAILED:
        _undo_late_charge(provider, charge)
    metrics.add_metric(name="PaymentCharged", unit=MetricUnit.Count, value=1)
    logger.info("Payment charged", extra={**order.log_fields(), "payment_id": charge.payment_id})
    return PaymentResult(payment_id=charge.payment_id, amount_minor=charge.amount_minor, currency=charge.currency)


def _undo_late_charge(provider: PaymentProvider, charge: Charge) -> NoReturn:
    """The saga failed while this charge was in flight: this invocation outlived its task (Step Functions gave
    up on it and compensated). RefundPayment, which marks the order FAILED before it looks for a charge, found
    none and is waiting out this run's deadline; refund the charge here and now, under the order's one refund key
    (RefundPayment's next attempt finds that same refund). Checked after charging, not only before: a check
    before the charge cannot see a compensation that runs while the charge is in flight."""
    refund = provider.refund(
        charge=charge, amount_minor=charge.amount_minor, idempotency_key=refund_idempotency_key(charge.order_id)
    )
    metrics.add_metric(name="LateChargeRefunded", unit=MetricUnit.Count, value=1)
    logger.warning(
        "Charge landed after the saga failed; refunded it",
        extra={"order_id": charge.order_id, "payment_id": charge.payment_id, "refund_id": refund.refund_id},
    )
    raise OrderStateConflictException(charge.order_id, orders.OrderStatus.FAILED, "keep the charge")


def _unsealed_token(order: Order) -> str:
    try:
        return unseal(order.payment_token, order.order_id)
    except UnreadablePaymentToken:
        metrics.add_metric(name="PaymentTokenUnreadable", unit=MetricUnit.Count, value=1)
        raise CardDeclined(INVALID_PAYMENT_TOKEN) from None


checkout_domain.init_phase.done()  # the import is over: the collector resumes (see init_phase)
