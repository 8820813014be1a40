"""Which deployed REST API, stage, resource and method a request names, read from moto's apigateway backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.apigateway.models import RestAPI, apigateway_backends


@dataclass(frozen=True)
class Route:
    api: Any  # moto's RestAPI
    resource: Any  # moto's Resource
    resource_path: str  # as declared: /checkouts/{orderId}
    path_parameters: dict[str, str]


def find_api(api_id: str) -> tuple[RestAPI, str] | None:
    """The API and its region, whichever account and region created it."""
    for regions in list(apigateway_backends.values()):
        for region, backend in list(regions.items()):
            api = backend.apis.get(api_id)
            if api is not None:
                return api, region
    return None


def resource_path(api: RestAPI, resource: Any) -> str:
    parts = []
    while resource is not None and resource.parent_id:
        parts.append(resource.path_part)
        resource = api.resources.get(resource.parent_id)
    return "/" + "/".join(reversed(parts))


def match_route(api: RestAPI, path: str) -> Route | None:
    """The most specific resource for `path`: literal segments beat `{param}`, which beats a greedy `{param+}`."""
    segments = [segment for segment in path.split("/") if segment]
    best: tuple[tuple[int, int], Route] | None = None
    for resource in list(api.resources.values()):
        declared = resource_path(api, resource)
        parameters = _match(declared, segments)
        if parameters is None:
            continue
        parts = [p for p in declared.split("/") if p]
        literal = sum(1 for p in parts if not p.startswith("{"))
        score = (literal, 0 if any(p.endswith("+}") for p in parts) else 1)
        if best is None or score > best[0]:
            best = (score, Route(api, resource, declared, parameters))
    return best[1] if best else None


def _match(declared: str, segments: list[str]) -> dict[str, str] | None:
    parts = [p for p in declared.split("/") if p]
    parameters: dict[str, str] = {}
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[index:]
            if not rest or index != len(parts) - 1:
                return None
            parameters[part[1:-2]] = "/".join(rest)
            return parameters
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = segments[index]
        elif part != segments[index]:
            return None
    return parameters if len(parts) == len(segments) else None
