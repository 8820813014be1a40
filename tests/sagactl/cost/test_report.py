"""The cost tables and the metering differences they are computed from."""

from __future__ import annotations

from sagactl.cost.emulator_usage import difference
from sagactl.cost.measure import Measurement
from sagactl.cost.model import Behaviour
from sagactl.cost.prices import load_prices
from sagactl.cost.report import cost_tables


def _measurement(happy_transitions: float) -> Measurement:
    behaviours = {
        "saga/happy": Behaviour(name="saga/happy", measured=10, transitions=happy_transitions,
                                lambda_invocations=4, lambda_gb_seconds=0.05, dynamodb_write_units=15,
                                kms_requests=1),
        "seed/happy": Behaviour(name="seed/happy", measured=10, transitions=2, lambda_invocations=2),
        "validation-express/valid": Behaviour(name="v", measured=10, express_requests=1,
                                              express_gb_seconds=0.00625, lambda_invocations=1),
        "validation-standard/valid": Behaviour(name="s", measured=10, transitions=1, lambda_invocations=1),
    }
    return Measurement(behaviours, {"stack": "prod", "lambda_memory_mb": 512, "lambda_architecture": "arm64"})


def test_checkouts_and_validations_get_a_table_each_with_the_designs_side_by_side() -> None:
    checkouts, validations = cost_tables(_measurement(4), load_prices())
    assert [row[:2] for row in checkouts.rows] == [["our saga (Standard)", "happy"],
                                                   ["seed two-step (Standard)", "happy"]]
    assert [row[0] for row in validations.rows] == ["Express (sync)", "as Standard"]
    assert checkouts.rows[0][-1] == "113.84"  # 100 + 0.80 + 0.67 + 9.38 + 3.00 dollars per million
    assert any("one per step, no Pass/Choice overhead" in note for note in checkouts.notes)


def test_a_happy_path_with_extra_transitions_is_called_out() -> None:
    checkouts, _ = cost_tables(_measurement(5), load_prices())
    assert any("MISMATCH" in note for note in checkouts.notes)


def test_a_measurement_survives_json() -> None:
    measurement = _measurement(4)
    assert Measurement.from_json(measurement.to_json()) == measurement


def test_metering_differences_keep_only_what_changed() -> None:
    before = {
        "requests": {"dynamodb": {"PutItem": 3}, "kms": {"Decrypt": 1}},
        "dynamodb": {"t": {"PutItem": {"requests": 3, "write_units": 3.0, "read_units": 0.0}}},
        "lambda": {"f": {"invocations": 2, "billed_ms": 20, "duration_ms": 19.5, "memory_mb": 512, "errors": 0}},
    }
    after = {
        "requests": {"dynamodb": {"PutItem": 5}, "kms": {"Decrypt": 1}, "lambda": {"Invoke": 1}},
        "dynamodb": {"t": {"PutItem": {"requests": 5, "write_units": 6.0, "read_units": 0.0}}},
        "lambda": {"f": {"invocations": 3, "billed_ms": 33, "duration_ms": 32.0, "memory_mb": 512, "errors": 0},
                   "g": {"invocations": 0, "billed_ms": 0, "duration_ms": 0, "memory_mb": 128, "errors": 0}},
    }
    usage = difference(before, after)
    assert usage.requests == {"dynamodb": {"PutItem": 2}, "lambda": {"Invoke": 1}}
    assert usage.dynamodb_total("write_units") == 3.0
    assert usage.functions == {"f": {"invocations": 1, "billed_ms": 13, "duration_ms": 12.5, "errors": 0,
                                     "memory_mb": 512}}
    assert usage.request_count("kms") == 0
