"""The checkout saga, described once. Function keys are the handler module names."""

from __future__ import annotations

from asl.model import BusinessError, Compensation, Saga, SagaStep, ValidationStep

CHECKOUT_SAGA = Saga(
    comment="Checkout saga: validate, charge, reserve, confirm; compensations run in reverse order.",
    validation=ValidationStep(
        name="ValidateOrder",
        function="validate_order",
        invalid=BusinessError("InvalidOrderException", outcome="OrderInvalid"),
    ),
    steps=(
        SagaStep(
            name="ProcessPayment",
            function="process_payment",
            compensation=Compensation("RefundPayment", function="refund_payment"),
            business_errors=(BusinessError("PaymentDeclinedException", outcome="PaymentDeclined"),),
        ),
        SagaStep(
            name="ReserveInventory",
            function="reserve_inventory",
            compensation=Compensation("ReleaseInventory", function="release_inventory"),
            business_errors=(BusinessError("InventoryDepletedException", outcome="OutOfStock"),),
        ),
        SagaStep(name="ConfirmOrder", function="confirm_order", pivot=True),
    ),
    # Every compensation marks the order FAILED first, conditionally: a CONFIRMED order raises this instead.
    committed_error="OrderStateConflictException",
)
