"""What the emulator metered during a measurement: the difference of two GET /emulator-api/metering snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devstack.control import EmulatorControl


@dataclass(frozen=True)
class Usage:
    """Requests per service/operation and DynamoDB units per table/operation during a measurement."""

    requests: dict[str, dict[str, int]]
    dynamodb: dict[str, dict[str, dict[str, float]]]
    functions: dict[str, dict[str, float]] = field(default_factory=dict)  # Lambda: function -> usage

    def request_count(self, service: str, operation: str | None = None) -> int:
        operations = self.requests.get(service, {})
        return operations.get(operation, 0) if operation else sum(operations.values())

    def dynamodb_total(self, field: str, tables: list[str] | None = None) -> float:
        return sum(
            usage.get(field, 0)
            for table, operations in self.dynamodb.items()
            if tables is None or table in tables
            for usage in operations.values()
        )

    def dynamodb_operations(self, tables: list[str] | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table, operations in self.dynamodb.items():
            if tables is None or table in tables:
                for operation, usage in operations.items():
                    counts[operation] = counts.get(operation, 0) + int(usage.get("requests", 0))
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "dynamodb": self.dynamodb, "lambda": self.functions}


class Meter:
    """``with Meter(stack.control) as meter: ...`` then ``meter.usage``."""

    def __init__(self, control: EmulatorControl) -> None:
        self._control = control
        self._before: dict[str, Any] = {}
        self.usage = Usage({}, {}, {})

    def __enter__(self) -> Meter:
        self._before = self._control.metering()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.usage = difference(self._before, self._control.metering())


def difference(before: dict[str, Any], after: dict[str, Any]) -> Usage:
    requests: dict[str, dict[str, int]] = {}
    for service, operations in after.get("requests", {}).items():
        for operation, count in operations.items():
            delta = count - before.get("requests", {}).get(service, {}).get(operation, 0)
            if delta:
                requests.setdefault(service, {})[operation] = delta
    dynamodb: dict[str, dict[str, dict[str, float]]] = {}
    for table, operations in after.get("dynamodb", {}).items():
        for operation, usage in operations.items():
            old = before.get("dynamodb", {}).get(table, {}).get(operation, {})
            delta_usage = {name: value - old.get(name, 0) for name, value in usage.items()}
            if delta_usage.get("requests"):
                dynamodb.setdefault(table, {})[operation] = delta_usage
    functions: dict[str, dict[str, float]] = {}
    for function, usage in after.get("lambda", {}).items():
        old = before.get("lambda", {}).get(function, {})
        delta = {name: value - old.get(name, 0) for name, value in usage.items() if name != "memory_mb"}
        if delta.get("invocations"):
            functions[function] = {**delta, "memory_mb": usage.get("memory_mb", 0)}
    return Usage(requests, dynamodb, functions)
