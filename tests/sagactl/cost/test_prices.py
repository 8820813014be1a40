"""The shipped price table: one file that names its sources and date, with every price the model needs."""

from __future__ import annotations

import json
import re

from sagactl.cost.prices import PRICES_FILE, load_prices


def test_the_price_table_names_its_sources_and_date() -> None:
    prices = load_prices()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", prices.compiled)
    assert set(prices.sources) == {"stepfunctions", "lambda", "dynamodb", "kms"}
    assert all(url.startswith("https://aws.amazon.com/") for url in prices.sources.values())
    assert prices.region == "eu-west-1"  # the stacks' region


def test_every_price_is_positive_and_arm_is_cheaper_than_x86() -> None:
    prices = load_prices()
    raw = json.loads(PRICES_FILE.read_text())
    numbers = [value for key, value in raw.items() if isinstance(value, int | float)]
    numbers += list(prices.lambda_per_gb_second.values())
    assert numbers and all(value > 0 for value in numbers)
    assert prices.lambda_gb_second("arm64") < prices.lambda_gb_second("x86_64")
    assert prices.standard_per_transition == 0.025 / 1000  # Europe (Ireland), per 1,000 transitions
