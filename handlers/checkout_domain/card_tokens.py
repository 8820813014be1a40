"""Stripe-style test tokens the built-in ledger provider declines (https://docs.stripe.com/testing).

Any token starting with "tok_chargeDeclined" is declined; the known suffixes give Stripe's decline code,
others a generic decline. Every other token is charged.
"""

from __future__ import annotations

DECLINE_PREFIX = "tok_chargeDeclined"
GENERIC_DECLINE = "generic_decline"

DECLINE_CODES = {
    "tok_chargeDeclined": GENERIC_DECLINE,
    "tok_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "tok_chargeDeclinedFraudulent": "fraudulent",
    "tok_chargeDeclinedIncorrectCvc": "incorrect_cvc",
    "tok_chargeDeclinedExpiredCard": "expired_card",
    "tok_chargeDeclinedProcessingError": "processing_error",
}


def decline_code_for(payment_token: str) -> str | None:
    if not payment_token.startswith(DECLINE_PREFIX):
        return None
    return DECLINE_CODES.get(payment_token, GENERIC_DECLINE)
