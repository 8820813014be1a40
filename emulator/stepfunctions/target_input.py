"""What an EventBridge target receives, as AWS builds it: `Input`, `InputPath` or `InputTransformer`, else the event.

InputTransformer: each `<name>` of the template is the value `InputPathsMap[name]` selects from the event (or one
of EventBridge's predefined variables). Outside double quotes a value goes in as JSON (a string with its quotes);
inside a quoted string a string goes in as its characters and anything else as its JSON text, escaped for the
string it sits in. A path that selects nothing inserts null (outside quotes) or nothing (inside).
moto's own parser leaves strings outside quotes unquoted, which breaks templates such as `{"input": <input>}`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonpath_ng.ext import parse as parse_json_path

PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


def target_input(target: dict[str, Any], event: dict[str, Any], rule_name: str, rule_arn: str) -> str:
    """The text EventBridge sends to `target` for `event` (a Step Functions target: the execution input)."""
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        return json.dumps(select(target["InputPath"], event))
    transformer = target.get("InputTransformer")
    if transformer:
        paths = transformer.get("InputPathsMap") or {}
        values = {name: select(path, event) for name, path in paths.items()}
        values.update(
            {
                "aws.events.event.json": event,
                "aws.events.event": {k: v for k, v in event.items() if k != "detail"},
                "aws.events.rule-name": rule_name,
                "aws.events.rule-arn": rule_arn,
                "aws.events.event.ingestion-time": event.get("ingestion-time"),
            }
        )
        return render_template(transformer["InputTemplate"], values)
    return json.dumps(event)


def select(path: str, event: dict[str, Any]) -> Any:
    """The value a JSONPath selects from the event; None when it selects nothing."""
    matches = parse_json_path(path).find(event)
    return matches[0].value if matches else None


def render_template(template: str, values: dict[str, Any]) -> str:
    rendered: list[str] = []
    in_string = escaped = False
    position = 0
    while position < len(template):
        char = template[position]
        placeholder = PLACEHOLDER.match(template, position) if char == "<" else None
        if placeholder and placeholder.group(1) in values:
            rendered.append(_insert(values[placeholder.group(1)], in_string))
            position = placeholder.end()
            continue
        rendered.append(char)
        if escaped:
            escaped = False
        elif char == "\\" and in_string:
            escaped = True
        elif char == '"':
            in_string = not in_string
        position += 1
    return "".join(rendered)


def _insert(value: Any, in_string: bool) -> str:
    if not in_string:
        return json.dumps(value)
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return json.dumps(text)[1:-1]
