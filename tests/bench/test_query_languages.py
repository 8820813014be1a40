"""bench.query_languages: what it deploys each side with, and how the comparison reads."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import pytest

from bench import query_languages
from bench.query_languages import comparison_table


def test_each_side_is_the_stack_deployed_in_its_query_language(monkeypatch: pytest.MonkeyPatch) -> None:
    deployed: list[dict[str, str] | None] = []

    @contextmanager
    def bench_run(*args: Any, config_overrides: dict[str, str] | None = None, **kwargs: Any) -> Any:
        deployed.append(config_overrides)
        yield "bench"

    monkeypatch.setattr(query_languages, "bench_run", bench_run)
    monkeypatch.setattr(query_languages, "one_at_a_time", lambda bench, sequential: {"p50_ms": float(sequential)})

    assert query_languages.main(["--rounds", "2", "--sequential", "3"]) == 0
    assert deployed == [{"checkout-saga:queryLanguage": language} for language in ("JSONata", "JSONPath") * 2]


def test_the_table_shows_jsonpaths_paired_change_against_jsonata() -> None:
    table = comparison_table({"p50_ms": [(100.0, 110.0), (120.0, 150.0), (90.0, 90.0)], "cpu_ms": [(50.0, 40.0)]})
    assert list(table.headers) == ["definitions", "happy saga p50 ms", "emulator CPU ms per saga"]
    assert [list(row) for row in table.rows] == [
        ["JSONPath against JSONata", "+10% [+0% to +25%] of 100.0", "-20% [-20% to -20%] of 50.0"]
    ]


def test_rounds_and_sagas_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        query_languages.main(["--rounds", "0"])
    assert exited.value.code == 2 and "--rounds and --sequential must be at least 1" in capsys.readouterr().err
