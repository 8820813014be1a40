"""Client of the emulator's control API (``/emulator-api/...`` on its own port): faults, warm workers, metering.

These exist only on the emulator: on AWS use AWS's own tools (Fault Injection Service, Provisioned Concurrency,
Cost Explorer). The fault policy format is emulator.lambda_runtime.faults.RandomFaults'.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

_TIMEOUT_SECONDS = 10.0


class ControlApiError(RuntimeError):
    """The control API refused a request (e.g. an invalid policy) or is not there (not an emulator)."""


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


class EmulatorControl:
    def __init__(self, endpoint_url: str) -> None:
        self._base = endpoint_url.rstrip("/") + "/emulator-api"

    # --- faults ---------------------------------------------------------------------------------------

    def set_faults(self, function_name: str, policy: Any) -> dict[str, Any]:
        """Replaces a function's fault policy: a RandomFaults, or its JSON sent unchecked (a 400 names the problem)."""
        body = policy.to_json() if hasattr(policy, "to_json") else policy
        return self.request("PUT", f"/faults/{function_name}", body)

    def clear_faults(self, function_name: str | None = None) -> None:
        self.request("DELETE", f"/faults/{function_name}" if function_name else "/faults")

    def fault_status(self) -> FaultStatus:
        body = self.request("GET", "/faults")
        return FaultStatus(body.get("policies", {}), body.get("injected", {}))

    # --- warm workers, metering ---------------------------------------------------------------------

    def warm_workers(self, function: str, count: int) -> int:
        """Starts workers for a function (name or ARN) until ``count`` are warm; returns how many are."""
        answer = self.request("PUT", f"/functions/{function}/warm-workers", {"count": count}, timeout=300)
        return int(answer["warm_workers"])

    def metering(self) -> dict[str, Any]:
        return self.request("GET", "/metering")

    def request(self, method: str, path: str, body: Any = None, timeout: float = _TIMEOUT_SECONDS) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self._base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer: dict[str, Any] = json.loads(response.read() or b"{}")
                return answer
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            with contextlib.suppress(ValueError):  # not our JSON: keep the text as it came
                detail = json.loads(detail).get("error", detail)
            if error.code == 404 and path.startswith("/faults"):
                detail = "no fault-injection API here: faults need the embedded emulator (python -m emulator)"
            raise ControlApiError(f"{method} {self._base}{path}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ControlApiError(f"cannot reach {self._base}: {reason}") from None
