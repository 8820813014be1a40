"""Client of the emulator's fault-injection control API (emulator/fault_api.py).

Faults exist only on the emulator: on AWS use AWS's own tools (Fault Injection Service, Lambda
reserved concurrency) instead. The policy format is emulator.lambda_runtime.faults.RandomFaults'.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from emulator.lambda_runtime.faults import RandomFaults

_TIMEOUT_SECONDS = 10


class FaultControlError(RuntimeError):
    """The control API refused a request (invalid policy) or is not there (not an emulator)."""


@dataclass(frozen=True)
class FaultStatus:
    policies: dict[str, dict[str, Any]]  # function name -> policy JSON
    injected: dict[str, dict[str, int]]  # function name -> fault kind -> count since the emulator started

    def injected_by_kind(self, functions: list[str] | None = None) -> dict[str, int]:
        totals: dict[str, int] = {}
        for function, counts in self.injected.items():
            if functions is None or function in functions:
                for kind, count in counts.items():
                    totals[kind] = totals.get(kind, 0) + count
        return totals


class FaultControl:
    def __init__(self, endpoint_url: str) -> None:
        self._base = endpoint_url.rstrip("/") + "/emulator-api/faults"

    def set(self, function_name: str, policy: RandomFaults) -> dict[str, Any]:
        return self.set_json(function_name, policy.to_json())

    def set_json(self, function_name: str, policy: Any) -> dict[str, Any]:
        """Sends a policy as JSON, unchecked: the emulator validates it (a 400 names the problem)."""
        return self._request("PUT", f"/{function_name}", policy)

    def clear(self, function_name: str | None = None) -> None:
        self._request("DELETE", f"/{function_name}" if function_name else "")

    def status(self) -> FaultStatus:
        body = self._request("GET", "")
        return FaultStatus(body.get("policies", {}), body.get("injected", {}))

    def _request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self._base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                answer: dict[str, Any] = json.loads(response.read() or b"{}")
                return answer
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            with contextlib.suppress(ValueError):  # not our JSON: keep the text as it came
                detail = json.loads(detail).get("error", detail)
            if error.code == 404:
                detail = "no fault-injection API here: faults need the embedded emulator (python -m emulator)"
            raise FaultControlError(f"{method} {self._base}{path}: {detail}") from None
        except urllib.error.URLError as error:
            raise FaultControlError(f"cannot reach {self._base}: {error.reason}") from None
