"""Breadth counts and worst/best rankings."""

import numpy as np
import pandas as pd
import pytest
from shockbook.analytics import breadth, event_day_returns, rank_returns
from shockbook.errors import InputError


def test_breadth_mixed_with_nan(mixed_with_nan):
    counts = breadth(event_day_returns(mixed_with_nan, "2024-12-31"))
    assert counts.to_dict() == {"up": 1, "down": 1, "unchanged": 1, "missing": 2, "total": 5}
    assert counts.dtype == np.int64


@pytest.mark.parametrize("returns, tolerance, expected", [
    ([0.01, -0.01, 0.0], 0.0, (1, 1, 1, 0)),
    ([0.01, -0.01, 0.0005], 0.001, (1, 1, 1, 0)),
    ([np.nan, np.nan], 0.0, (0, 0, 0, 2)),
    ([], 0.0, (0, 0, 0, 0)),
    ([-0.0], 0.0, (0, 0, 1, 0)),
])
def test_breadth_table(returns, tolerance, expected):
    counts = breadth(pd.Series(returns, index=[f"T{i}" for i in range(len(returns))], dtype="float64"),
                     tolerance=tolerance)
    assert tuple(counts[["up", "down", "unchanged", "missing"]]) == expected
    assert counts["total"] == len(returns)


def test_breadth_per_session_for_a_frame(mixed_with_nan):
    rets = mixed_with_nan.pct_change(fill_method=None)
    table = breadth(rets)
    assert list(table.columns) == ["up", "down", "unchanged", "missing", "total"]
    assert table.loc["2024-12-31"].tolist() == [1, 1, 1, 2, 5]
    assert table.loc["2024-12-30"].tolist() == [0, 0, 4, 1, 5]


@pytest.mark.parametrize("tolerance", [-0.1, float("nan")])
def test_breadth_bad_tolerance(tolerance):
    with pytest.raises(InputError, match="tolerance"):
        breadth(pd.Series([0.1]), tolerance=tolerance)


RETURNS = pd.Series({"ZZZ": -0.10, "AAA": -0.10, "MMM": 0.05, "BBB": -0.30, "NAN": np.nan,
                     "CCC": 0.05})


def test_worst_ranks_with_ticker_tie_break():
    table = rank_returns(RETURNS, n=3)
    assert list(table.columns) == ["ticker", "name", "sector", "return", "rank"]
    assert table["ticker"].tolist() == ["BBB", "AAA", "ZZZ"]
    assert table["rank"].tolist() == [1, 2, 3]


def test_best_ranks_with_ticker_tie_break():
    assert rank_returns(RETURNS, n=2, worst=False)["ticker"].tolist() == ["CCC", "MMM"]


def test_order_does_not_depend_on_input_order():
    shuffled = RETURNS.sample(frac=1.0, random_state=7)
    assert rank_returns(shuffled, n=None).equals(rank_returns(RETURNS, n=None))


def test_n_larger_than_available_and_nan_dropped():
    table = rank_returns(RETURNS, n=100)
    assert len(table) == 5 and "NAN" not in set(table["ticker"])


def test_names_and_sectors_are_looked_up():
    table = rank_returns(RETURNS, n=2, names={"BBB": "Bee Corp"}, sectors=pd.Series({"AAA": "Tech"}))
    assert table["name"].tolist() == ["Bee Corp", ""]
    assert table["sector"].tolist() == ["", "Tech"]


def test_empty_returns_give_empty_table_with_columns():
    table = rank_returns(pd.Series([np.nan], index=["X"]))
    assert table.empty and list(table.columns) == ["ticker", "name", "sector", "return", "rank"]


@pytest.mark.parametrize("n", [0, -1, 2.5, True])
def test_bad_n(n):
    with pytest.raises(InputError, match="n must be"):
        rank_returns(RETURNS, n=n)


def test_frame_is_not_accepted_by_rank(mixed_with_nan):
    with pytest.raises(InputError, match="Series"):
        rank_returns(mixed_with_nan)
