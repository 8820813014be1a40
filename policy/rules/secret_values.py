"""Values that look like secrets: what must never sit in plain sight in a Lambda environment.

Two signals, as secret scanners use them: well-known credential formats anywhere, and any literal value under
a name that says "secret" (a reference to where the secret lives, i.e. an ARN or a parameter path, is fine).
"""

from __future__ import annotations

import re

CREDENTIAL_FORMATS = {
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "Stripe secret key": re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[0-9A-Za-z]{36,}"),
    "Slack token": re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    "JSON Web Token": re.compile(r"\beyJ[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}"),
}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|TOKEN|CREDENTIAL", re.IGNORECASE)
# Where a secret *lives*: fine as a value under a secret-sounding name.
REFERENCE = re.compile(r"^(?:arn:aws[a-z-]*:|/|\{\{resolve:|ssm:|secretsmanager:)")
# Switches and counts ("ACCEPT_PLAINTEXT_PAYMENT_TOKENS=false", "TOKEN_TTL=60") cannot be secrets.
SETTING = re.compile(r"^(?:true|false|yes|no|on|off|\d+)$", re.IGNORECASE)


def secret_looking(name: str, value: str) -> str | None:
    """Why the variable `name`=`value` looks like a plaintext secret, or None. Never quotes the value."""
    for kind, pattern in CREDENTIAL_FORMATS.items():
        if pattern.search(value):
            return f"{name} holds what looks like a {kind}"
    if SECRET_NAME.search(name) and value and not (REFERENCE.match(value) or SETTING.match(value)):
        return f"{name} is named like a secret and holds a literal value (reference a secret's ARN instead)"
    return None
