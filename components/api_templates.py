"""The checkout API's mapping templates (Velocity, as API Gateway runs them) and request models, as data.

Request templates turn a client's request into the Step Functions API call; response templates turn Step
Functions' answer into the client's: the status code (`$context.responseOverride.status`), a Location header and a
small JSON body. Only Velocity that both API Gateway (Java) and the emulator's engine (airspeed-ext) evaluate alike
is used here: `#set`, `#if`, `==`, `contains`, `split`, `$input.path/params/body`, `$util.escapeJavaScript`.
Placeholders in braces (`{state_machine_arn}`) are filled by the component with the deployed ARNs.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The Step Functions execution name rule, narrowed to what the checkout domain accepts as an order id
# (handlers/checkout_domain/models.py ORDER_ID_PATTERN; a test keeps the two equal).
ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
JSON = "application/json"


_ESCAPED = re.compile(r"(\$util\.escapeJavaScript\(\$[A-Za-z.]+(?:\('[^']*'\))?\))")


def _quotes_back(template: str) -> str:
    """escapeJavaScript also escapes `'` as `\\'`, which JSON does not allow: API Gateway's usual remedy, applied to
    every use, puts the plain quote back."""
    return _ESCAPED.sub(lambda m: m.group(1) + """.replaceAll("\\\\'","'")""", template)


def _model(title: str, schema: dict[str, Any]) -> str:
    return json.dumps({"$schema": "http://json-schema.org/draft-04/schema#", "title": title, **schema})


# A checkout needs an order id that can name its execution: that name is what deduplicates resubmissions.
CHECKOUT_REQUEST_MODEL = _model(
    "CheckoutRequest",
    {
        "type": "object",
        "required": ["order_id"],
        "properties": {"order_id": {"type": "string", "pattern": ORDER_ID_PATTERN}},
    },
)
# The validation workflow itself explains what is wrong with an order: the API only requires a JSON object.
VALIDATION_REQUEST_MODEL = _model("ValidationRequest", {"type": "object"})

START_CHECKOUT_REQUEST = _quotes_back(
    '{"stateMachineArn": "{state_machine_arn}", '
    "\"name\": \"$util.escapeJavaScript($input.path('$.order_id'))\", "
    '"input": "$util.escapeJavaScript($input.body)"}'
)
# The execution ARN ends in the execution name, i.e. the order id (…:execution:<machine>:<order id>).
START_CHECKOUT_ACCEPTED = """#set($executionArn = $input.path('$.executionArn'))
#set($orderId = $executionArn.split(':')[7])
#set($statusPath = "/$context.stage/checkouts/$orderId")
#set($context.responseOverride.header.Location = $statusPath)
{"orderId": "$orderId", "executionArn": "$executionArn", "status": "$statusPath"}"""
START_CHECKOUT_REFUSED = _quotes_back("""#set($type = "$input.path('$.__type')")
#if($type.contains('ExecutionAlreadyExists'))
#set($context.responseOverride.status = 409)
{"message": "this order was already submitted with another body, or its checkout has ended: ask for its status"}
#else
{"message": "$util.escapeJavaScript($input.path('$.message'))"}
#end""")

VALIDATE_ORDER_REQUEST = _quotes_back(
    '{"stateMachineArn": "{state_machine_arn}", "input": "$util.escapeJavaScript($input.body)"}'
)
# StartSyncExecution answers 200 whatever the execution did: the status in its body decides the client's answer.
VALIDATE_ORDER_ANSWERED = _quotes_back("""#set($status = "$input.path('$.status')")
#set($error = "$input.path('$.error')")
#if($status == "SUCCEEDED")
{"valid": true, "order": $input.path('$.output')}
#elseif($error == "{invalid_outcome}")
#set($context.responseOverride.status = 422)
{"valid": false, "errors": $input.path('$.cause')}
#else
#set($context.responseOverride.status = 502)
{"message": "the validation did not complete", "error": "$util.escapeJavaScript($error)"}
#end""")
STEP_FUNCTIONS_REFUSED = _quotes_back("""{"message": "$util.escapeJavaScript($input.path('$.message'))"}""")
STEP_FUNCTIONS_FAILED = """{"message": "Step Functions did not answer; retry later"}"""

CHECKOUT_STATUS_REQUEST = _quotes_back(
    '{"executionArn": "{execution_arn_prefix}$util.escapeJavaScript($input.params(\'orderId\'))"}'
)
CHECKOUT_STATUS_ANSWERED = _quotes_back("""#set($status = "$input.path('$.status')")
{"orderId": "$input.path('$.name')", "status": "$status"
#if($status == "SUCCEEDED")
, "result": $input.path('$.output')
#elseif($status != "RUNNING")
, "outcome": "$util.escapeJavaScript($input.path('$.error'))"
, "reason": "$util.escapeJavaScript($input.path('$.cause'))"
#end
}""")
CHECKOUT_STATUS_REFUSED = _quotes_back("""#set($type = "$input.path('$.__type')")
#if($type.contains('ExecutionDoesNotExist'))
#set($context.responseOverride.status = 404)
{"message": "no checkout for this order id"}
#else
{"message": "not a valid order id: $util.escapeJavaScript($input.path('$.message'))"}
#end""")

NO_ROUTE = '{"message": "no such route"}'
# Gateway responses (API Gateway's own answers, before any integration): one clear line each.
GATEWAY_RESPONSES = {
    "BAD_REQUEST_BODY": (400, '{"message": "invalid request body: $context.error.validationErrorString"}'),
    "MISSING_AUTHENTICATION_TOKEN": (403, '{"message": "the request is not signed (AWS SigV4)"}'),
    "UNAUTHORIZED": (401, '{"message": "no valid bearer token"}'),
}


def fill(template: str, **values: str) -> str:
    """The template with its `{placeholder}`s replaced (Velocity's own braces are left alone)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template
