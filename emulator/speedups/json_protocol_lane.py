"""AWS JSON-protocol requests answered by moto's handler without the Flask request machinery around it.

moto's server hands every request to a Flask app per service: a request context pushed and popped, URL
routing, debug helpers, flask-cors' after-request hook, then moto's ``convert_to_flask_response``, which calls
the service's handler with (request, raw URL, headers) and wraps its (status, headers, body) in a Response.
For the JSON-protocol services the handlers call on every step (DynamoDB, KMS, Step Functions, CloudWatch
Logs: ``POST /`` with an ``X-Amz-Target`` header), the Flask part was ~0.4 ms of CPU per request, a tenth of
the emulator's CPU per Express validation (thread CPU time per section, docs/performance.md).

The lane does what those layers do for such a request, and nothing else: the view Flask would route ``POST /``
to (looked up once per app in its URL map), called as ``convert_to_flask_response`` calls it (the request as
moto's ``BackendRequest``, moto's recorder told), the answer built as the same Response class, and the header
flask-cors adds to a request that has no Origin. Everything else takes the Flask path: other methods and
paths, requests from a browser (an Origin header: CORS negotiation), apps without a ``/`` route. Tested
side by side with the Flask path (tests/emulator/test_json_protocol_lane.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError
from moto.core.request import normalize_request
from moto.moto_api import recorder

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# What flask-cors (moto's global CORS, always_send) adds to the answer of a request without an Origin.
CORS_HEADER = ("Access-Control-Allow-Origin", "*")
_NO_ROUTE = object()


# Where the view of ``POST /`` is kept on each Flask app (``app.extensions`` is Flask's place for such state).
_EXTENSION_KEY = "emulator.speedups.json_protocol_lane"


class JsonProtocolLane:
    def app_for(self, flask_app: Any, environ: dict[str, Any]) -> WsgiApp | None:
        """A WSGI app answering this request without Flask, or None when it must take the Flask path."""
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or environ.get("PATH_INFO") != "/"
            or "HTTP_X_AMZ_TARGET" not in environ
            or "HTTP_ORIGIN" in environ
        ):
            return None
        view = self._root_view(flask_app)
        if view is None:
            return None

        def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            return _answer(flask_app, view, environ, start_response)

        return answer

    def _root_view(self, flask_app: Any) -> Any:
        view = flask_app.extensions.get(_EXTENSION_KEY)
        if view is None:  # two first requests may both look it up: the lookup is pure, setdefault keeps one
            view = flask_app.extensions.setdefault(_EXTENSION_KEY, _view_of_post_root(flask_app))
        return None if view is _NO_ROUTE else view


def _view_of_post_root(flask_app: Any) -> Any:
    """The convert_to_flask_response that Flask routes ``POST /`` to, or _NO_ROUTE."""
    try:
        endpoint, arguments = flask_app.url_map.bind("localhost").match("/", method="POST")
    except Exception:  # werkzeug's NotFound / MethodNotAllowed / RequestRedirect: leave it to Flask
        return _NO_ROUTE
    view = flask_app.view_functions.get(endpoint)
    if arguments or not callable(getattr(view, "callback", None)):
        return _NO_ROUTE
    return view


def _answer(flask_app: Any, view: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    # As moto's convert_to_flask_response.__call__ does, with the request built from the environ.
    request = normalize_request(flask_app.request_class(environ))
    recorder._record_request(request)
    try:
        result = view.callback(request, request.raw_url, dict(request.headers))
    except ClientError as exc:
        result = 400, {}, exc.response["Error"]["Message"]
    if len(result) == 3:
        status, headers, content = result
    else:
        status, headers, content = 200, {}, result
    response = flask_app.response_class(response=content, status=status, headers=headers)
    if CORS_HEADER[0] not in response.headers:
        response.headers[CORS_HEADER[0]] = CORS_HEADER[1]
    return response(environ, start_response)
