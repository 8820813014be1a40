"""Sealed payment tokens: how the token crosses Step Functions without ever being readable there.

A sealed token is what powertools' DataMasking.encrypt returns for the token (an AWS Encryption SDK message,
base64; its plaintext is the token as a JSON string), under the stack's payment-token KMS key and with the
encryption context {"purpose": "checkout-payment-token", "order_id": <the order's id>}. So:
- the execution input, history, logs and errors only ever hold ciphertext;
- the key policy lets every account principal with an IAM grant seal, but only ProcessPayment's role unseal;
- a token sealed for one order does not unseal for another (the context is authenticated and compared).

The checkout backend seals with `seal` (or any AWS Encryption SDK, same message format); where the stack allows
plaintext tokens (dev), validate_order seals them on arrival. Only process_payment calls `unseal`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
from typing import Any

from checkout_domain.card_numbers import contains_card_number
from checkout_domain.errors import TransientError
from checkout_domain.settings import payment_token_key_arn

PURPOSE = "checkout-payment-token"
# An Encryption SDK message starts with its format version and, for v1, its type / for v2, its suite's first
# byte: enough to tell a sealed token from a processor token ("tok_...") without importing the SDK.
_MESSAGE_STARTS = ((1, 0x80), (2, 0x04), (2, 0x05))
MIN_SEALED_LENGTH = 64
MAX_SEALED_LENGTH = 8192
MAX_PROCESSOR_TOKEN_LENGTH = 255


class UnreadablePaymentToken(Exception):
    """The sealed token is malformed, was tampered with, or was sealed for another order or purpose."""


def looks_sealed(value: str) -> bool:
    if not MIN_SEALED_LENGTH <= len(value) <= MAX_SEALED_LENGTH:
        return False
    try:
        head = base64.b64decode(value, validate=True)[:2]
    except (binascii.Error, ValueError):
        return False
    return len(head) == 2 and (head[0], head[1]) in _MESSAGE_STARTS


def processor_token_problem(token: str) -> str | None:
    """Why `token` cannot be a payment processor's token ("tok_...", "pm_..."), or None. Never quotes it."""
    if not 0 < len(token) <= MAX_PROCESSOR_TOKEN_LENGTH:
        return f"must be a sealed token or a token of 1 to {MAX_PROCESSOR_TOKEN_LENGTH} characters"
    if any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in token):
        return "must not contain whitespace or control characters"
    if contains_card_number(token):
        return "must be a payment processor's token, never a card number"
    return None


def seal(token: str, order_id: str, key_arn: str | None = None) -> str:
    from aws_lambda_powertools.utilities.data_masking.exceptions import DataMaskingEncryptKeyError

    try:
        sealed: str = _data_masker(key_arn or payment_token_key_arn()).encrypt(
            token, purpose=PURPOSE, order_id=order_id
        )
    except DataMaskingEncryptKeyError:
        # KMS refused or failed to generate a data key (throttling, outage, missing grant): try again later.
        raise TransientError("Could not seal the payment token: no data key from KMS") from None
    return sealed


def unseal(sealed: str, order_id: str, key_arn: str | None = None) -> str:
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError
    from aws_lambda_powertools.utilities.data_masking.exceptions import (
        DataMaskingContextMismatchError,
        DataMaskingDecryptKeyError,
        DataMaskingError,
    )
    from cryptography.exceptions import InvalidSignature, InvalidTag

    try:
        token: Any = _data_masker(key_arn or payment_token_key_arn()).decrypt(
            sealed, purpose=PURPOSE, order_id=order_id
        )
    except DataMaskingDecryptKeyError:
        # KMS did not decrypt the data key: KMS failed or refused (retrying helps), or the token was sealed under
        # another key or its encrypted data key altered (it does not; the step fails after its retries, as a
        # misconfiguration should, instead of passing for a customer's declined card).
        raise TransientError("Could not unseal the payment token: KMS did not decrypt its data key") from None
    except DataMaskingContextMismatchError:
        raise UnreadablePaymentToken(f"The payment token was not sealed for order {order_id}") from None
    except (DataMaskingError, AWSEncryptionSDKClientError, InvalidTag, InvalidSignature, ValueError, TypeError):
        # Not a message, or one whose header, body or signature was altered: powertools passes some of the
        # Encryption SDK's and cryptography's errors through unwrapped.
        raise UnreadablePaymentToken("The payment token is not an intact sealed token") from None
    if not isinstance(token, str) or processor_token_problem(token):
        raise UnreadablePaymentToken("The sealed payment token does not hold a processor's token")
    return token


@functools.lru_cache(maxsize=4)
def _data_masker(key_arn: str) -> Any:
    # Imported here: only the two functions that seal or unseal pay for the Encryption SDK's import.
    import json

    from aws_encryption_sdk import EncryptionSDKClient
    from aws_lambda_powertools.utilities.data_masking import DataMasking
    from aws_lambda_powertools.utilities.data_masking.provider.kms.aws_encryption_sdk import (
        JSON_DUMPS_CALL,
        AWSEncryptionSDKProvider,
        KMSKeyProvider,
    )

    class FinishingEncryptionSDKClient(EncryptionSDKClient):
        """The SDK's decrypt, except that the message stream is always finished, even when decryption fails.

        The SDK's own decrypt leaves a failed StreamDecryptor open (its close() refuses while the footer is
        unread), so the garbage collector closes it again later and prints "Exception ignored in ...
        SerializationError: Footer not read": one traceback in the logs per tampered token.
        """

        def decrypt(self, **kwargs: Any) -> tuple[bytes, Any]:
            decryptor = self.stream(mode="d", **kwargs)
            try:
                return decryptor.read(), decryptor.header
            finally:
                _finish(decryptor)

    key_provider = KMSKeyProvider(keys=[key_arn], json_serializer=JSON_DUMPS_CALL, json_deserializer=json.loads)
    key_provider.client = FinishingEncryptionSDKClient()
    return DataMasking(provider=AWSEncryptionSDKProvider(keys=[key_arn], key_provider=key_provider))


def _finish(decryptor: Any) -> None:
    if hasattr(decryptor, "footer"):
        decryptor.close()  # read to the end: the SDK's close() has its checks to make
    else:
        # Failed before the footer (tampered, truncated, wrong order): the plaintext is discarded and there is
        # nothing left to verify or release, so the stream is marked closed without the SDK's "footer read" check.
        io.IOBase.close(decryptor)
