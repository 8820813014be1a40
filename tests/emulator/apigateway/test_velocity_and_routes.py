"""emulator/apigateway: the checkout API's own templates rendered as the emulator renders them, and route matching."""

from __future__ import annotations

import json
from types import SimpleNamespace

from components import api_templates as templates
from emulator.apigateway.routes import match_route
from emulator.apigateway.velocity import TemplateUtil, render


def rendered(template: str, body: object, **params: dict[str, str]):
    return render(template, body if isinstance(body, str) else json.dumps(body), params, {"stage": "v1"})


def test_the_checkout_request_names_the_execution_after_the_order_and_survives_quotes():
    body = {"order_id": "ord-1", "customer_id": "O'Brien \"Jr\""}
    template = templates.fill(templates.START_CHECKOUT_REQUEST, state_machine_arn="arn:m")
    request = json.loads(rendered(template, body).text)
    assert request["stateMachineArn"] == "arn:m"
    assert request["name"] == "ord-1"
    assert json.loads(request["input"]) == body


def test_a_finished_duplicate_is_409_and_other_refusals_stay_400_with_their_message():
    duplicate = rendered(templates.START_CHECKOUT_REFUSED, {"__type": "ExecutionAlreadyExists", "message": "x"})
    assert duplicate.status_override == 409
    other = rendered(templates.START_CHECKOUT_REFUSED, {"__type": "InvalidName", "message": "name's bad"})
    assert other.status_override is None
    assert json.loads(other.text) == {"message": "name's bad"}


def test_accepted_checkout_points_at_its_status():
    arn = "arn:aws:states:eu-west-1:1:execution:saga:ord-7"
    answer = rendered(templates.START_CHECKOUT_ACCEPTED, {"executionArn": arn, "startDate": 1.5})
    assert answer.headers == {"Location": "/v1/checkouts/ord-7"}
    assert json.loads(answer.text) == {"orderId": "ord-7", "executionArn": arn, "status": "/v1/checkouts/ord-7"}


def test_validation_outcomes():
    template = templates.fill(templates.VALIDATE_ORDER_ANSWERED, invalid_outcome="OrderInvalid")
    errors = [{"field": "currency", "message": "bad"}]
    invalid = rendered(template, {"status": "FAILED", "error": "OrderInvalid", "cause": json.dumps(errors)})
    assert (invalid.status_override, json.loads(invalid.text)) == (422, {"valid": False, "errors": errors})
    broken = rendered(template, {"status": "FAILED", "error": "ValidationFailed", "cause": "x"})
    assert broken.status_override == 502
    valid = rendered(template, {"status": "SUCCEEDED", "output": json.dumps({"order_id": "o"})})
    assert (valid.status_override, json.loads(valid.text)) == (None, {"valid": True, "order": {"order_id": "o"}})


def test_status_of_each_kind_of_execution():
    running = rendered(templates.CHECKOUT_STATUS_ANSWERED, {"status": "RUNNING", "name": "o"})
    assert json.loads(running.text) == {"orderId": "o", "status": "RUNNING"}
    execution = {"status": "FAILED", "name": "o", "error": "OutOfStock", "cause": "it's 'gone'"}
    failed = json.loads(rendered(templates.CHECKOUT_STATUS_ANSWERED, execution).text)
    assert failed == {"orderId": "o", "status": "FAILED", "outcome": "OutOfStock", "reason": "it's 'gone'"}
    missing = rendered(templates.CHECKOUT_STATUS_REFUSED, {"__type": "ExecutionDoesNotExist", "message": "m"})
    assert missing.status_override == 404


def test_escape_javascript_escapes_single_quotes_as_api_gateway_does():
    assert TemplateUtil.escapeJavaScript('a\'b"c\n') == 'a\\\'b\\"c\\n'


def api(*paths: str) -> SimpleNamespace:
    """A moto-like RestAPI: resources by id, each with its parent and path part."""
    resources = {"root": SimpleNamespace(id="root", parent_id=None, path_part="")}
    for path in paths:
        parent = "root"
        for part in path.strip("/").split("/"):
            key = f"{parent}/{part}"
            resources.setdefault(key, SimpleNamespace(id=key, parent_id=parent, path_part=part))
            parent = key
    return SimpleNamespace(resources=resources)


def test_literal_segments_win_over_parameters_and_greedy_paths_catch_the_rest():
    routes = api("/checkouts/{orderId}", "/checkouts/special", "/{proxy+}")
    assert match_route(routes, "/checkouts/special").resource_path == "/checkouts/special"
    order = match_route(routes, "/checkouts/ord-1")
    assert (order.resource_path, order.path_parameters) == ("/checkouts/{orderId}", {"orderId": "ord-1"})
    anything = match_route(routes, "/checkouts/ord-1/items")
    assert (anything.resource_path, anything.path_parameters) == ("/{proxy+}", {"proxy": "checkouts/ord-1/items"})
    assert match_route(api("/checkouts"), "/orders") is None
