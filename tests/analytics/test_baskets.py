"""Equal-weighted baskets and spreads."""

import math

import numpy as np
import pandas as pd
import pytest
from shockbook.analytics import basket_returns, basket_spread
from shockbook.errors import InputError

RETURNS = pd.Series({"NVDA": -0.17, "AVGO": -0.17, "AAPL": 0.03, "AMZN": 0.01, "GONE": np.nan})


def test_equal_weighted_over_members_with_data():
    table = basket_returns(RETURNS, {"infra": ["NVDA", "AVGO", "GONE", "NOPE"], "usage": ["AAPL", "AMZN"]})
    assert table.loc["infra"].to_dict() == {"return": pytest.approx(-0.17), "members": 4, "used": 2,
                                            "missing": "GONE, NOPE"}
    assert table.loc["usage", "return"] == pytest.approx(0.02)
    assert table.loc["usage", "missing"] == ""
    assert table.index.name == "basket"


def test_basket_with_no_data_is_nan():
    table = basket_returns(RETURNS, {"empty": ["GONE"]})
    assert math.isnan(table.loc["empty", "return"]) and table.loc["empty", "used"] == 0


def test_repeated_members_count_once():
    table = basket_returns(RETURNS, {"b": ["AAPL", "AAPL", "AMZN"]})
    assert table.loc["b", "members"] == 2 and table.loc["b", "return"] == pytest.approx(0.02)


def test_frame_form_gives_a_series_per_basket():
    daily = pd.DataFrame({"A": [0.01, np.nan], "B": [0.03, 0.02]},
                         index=pd.DatetimeIndex(["2025-01-27", "2025-01-28"], name="date"))
    out = basket_returns(daily, {"ab": ["A", "B"], "c": ["C"]})
    assert out["ab"].tolist() == pytest.approx([0.02, 0.02])
    assert out["c"].isna().all()


@pytest.mark.parametrize("membership, message", [
    ({}, "non-empty"),
    ({"x": []}, "no members"),
    ({"x": "NVDA"}, "single string"),
    ([("x", ["NVDA"])], "mapping"),
])
def test_bad_membership(membership, message):
    with pytest.raises(InputError, match=message):
        basket_returns(RETURNS, membership)


def test_spread_of_floats_and_series():
    assert basket_spread(-0.17, 0.02) == pytest.approx(-0.19)
    a = pd.Series([0.01, 0.02], index=[1, 2])
    b = pd.Series([0.03], index=[1])
    spread = basket_spread(a, b)
    assert spread.name == "spread"
    assert spread.loc[1] == pytest.approx(-0.02) and math.isnan(spread.loc[2])
    assert math.isnan(basket_spread(np.nan, 0.1))
