"""Checkout saga domain: order models, the order/payment/inventory stores and the errors the state machine
catches by name.

Nothing is imported here on purpose: validate_order (the high-volume Express step) imports only the models
and validation modules, so its cold start never pays for boto3 or the idempotency store.
"""
