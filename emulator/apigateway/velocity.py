"""API Gateway's mapping templates: Velocity, rendered by airspeed-ext (LocalStack's maintained airspeed fork), with
the variables API Gateway gives a template: `$input`, `$util`, `$context` (and its `responseOverride`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import airspeed
from jsonpath_ng import parse as parse_json_path


class TemplateInput:
    """`$input`: the body being mapped (the request's, or the integration's answer) and the request's parameters."""

    def __init__(self, body: str, params: dict[str, dict[str, str]]) -> None:
        self.body = body
        self._params = params
        self._document: Any = None
        self._parsed = False

    def _json(self) -> Any:
        if not self._parsed:
            self._parsed = True
            try:
                self._document = json.loads(self.body) if self.body.strip() else {}
            except ValueError:
                self._document = None
        return self._document

    def path(self, expression: str) -> Any:
        """A JSONPath's value as an object: a string prints as itself, a number as its digits; missing: ''."""
        matches = [match.value for match in parse_json_path(expression).find(self._json())]
        if not matches:
            return ""
        return matches[0] if len(matches) == 1 else matches

    def json(self, expression: str) -> str:
        matches = [match.value for match in parse_json_path(expression).find(self._json())]
        return json.dumps(matches[0] if len(matches) == 1 else matches) if matches else ""

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for where in ("path", "querystring", "header"):
            if name in self._params.get(where, {}):
                return self._params[where][name]
        return ""


class TemplateUtil:
    """`$util`."""

    @staticmethod
    def escapeJavaScript(value: Any) -> str:  # the names are Velocity's
        text = value if isinstance(value, str) else json.dumps(value)
        return json.dumps(text)[1:-1].replace("'", "\\'")

    @staticmethod
    def parseJson(value: str) -> Any:
        return json.loads(value)

    @staticmethod
    def urlEncode(value: str) -> str:
        return quote(value, safe="")

    @staticmethod
    def urlDecode(value: str) -> str:
        return unquote(value)


@dataclass
class Rendered:
    text: str
    status_override: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def render(template: str, body: str, params: dict[str, dict[str, str]], context: dict[str, Any]) -> Rendered:
    """The template merged; what it set in `$context.responseOverride` comes back with the text."""
    override: dict[str, Any] = {"status": None, "header": {}}
    names = {
        "input": TemplateInput(body, params),
        "util": TemplateUtil(),
        "context": {**context, "responseOverride": override},
    }
    text = airspeed.Template(template).merge(names)
    status = override.get("status")
    return Rendered(
        text=text,
        status_override=int(status) if status not in (None, "") else None,
        headers={str(k): str(v) for k, v in (override.get("header") or {}).items()},
    )
